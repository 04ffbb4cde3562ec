package iso9660

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads rr.iso, or the image FWSTAR_BENCH_ISO names (a
// bigger one, e.g. genisoimage -R of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	var img []byte
	if p := os.Getenv("FWSTAR_BENCH_ISO"); p != "" {
		var err error
		if img, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		img = sinktest.Fixture(b, "rr.iso.gz")
	}
	r := bytes.NewReader(img)
	c, err := Handler{}.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := (Handler{}).Extract(context.Background(), r, c, sinktest.NewSink(false)); err != nil {
			b.Fatal(err)
		}
	}
}
