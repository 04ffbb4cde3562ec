package rar

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads rar5-solid.rar, or the archive FWSTAR_BENCH_RAR
// names (a bigger one, e.g. rar a -ma5 -s of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	p := os.Getenv("FWSTAR_BENCH_RAR")
	if p == "" {
		p = "testdata/rar5-solid.rar"
	}
	img, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(img)
	c, err := Handler{}.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		s := sinktest.NewSink(false)
		s.MaxBytes = 4 << 30
		if _, err := (Handler{}).Extract(context.Background(), r, c, s); err != nil {
			b.Fatal(err)
		}
	}
}
