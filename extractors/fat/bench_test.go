package fat

import (
	"bytes"
	"context"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads the 34 MB FAT32 fixture (17 entries, 110 KB of files).
func BenchmarkExtract(b *testing.B) {
	img := load(b, "fat32.img.gz")
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
