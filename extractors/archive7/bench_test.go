package archive7

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads lzma2.7z, or the archive FWSTAR_BENCH_7Z names (a
// bigger one, e.g. 7z a of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	p := os.Getenv("FWSTAR_BENCH_7Z")
	if p == "" {
		p = "testdata/lzma2.7z"
	}
	img, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(img)
	c, err := SevenZip{}.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := (SevenZip{}).Extract(context.Background(), r, c, sinktest.NewSink(false)); err != nil {
			b.Fatal(err)
		}
	}
}
