package fat

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads the 34 MB FAT32 fixture (17 entries, 110 KB of
// files), or the image FWSTAR_BENCH_FAT names.
func BenchmarkExtract(b *testing.B) {
	var img []byte
	if p := os.Getenv("FWSTAR_BENCH_FAT"); p != "" {
		var err error
		if img, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		img = sinktest.Fixture(b, "fat32.img.gz")
	}
	r := bytes.NewReader(img)
	c, err := Handler{}.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := (Handler{}).Extract(context.Background(), r, c, sinktest.NewSink(false)); err != nil {
			b.Fatal(err)
		}
	}
}
