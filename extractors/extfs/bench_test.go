package extfs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads the 16 MiB ext4 fixture (148 entries, 70 MB of
// sparse file, mostly holes, and about 300 KB of data), the ext2 one, and
// the image FWSTAR_BENCH_EXT names if set.
func BenchmarkExtract(b *testing.B) {
	names := []string{"ext4-4k", "ext2-1k"}
	if p := os.Getenv("FWSTAR_BENCH_EXT"); p != "" {
		names = append(names, p)
	}
	for _, name := range names {
		b.Run(filepath.Base(name), func(b *testing.B) {
			var img []byte
			if filepath.IsAbs(name) {
				var err error
				if img, err = os.ReadFile(name); err != nil {
					b.Fatal(err)
				}
			} else {
				img = sinktest.Fixture(b, name+".img.gz")
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
		})
	}
}
