package extfs

import (
	"bytes"
	"context"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads the 16 MiB ext4 fixture: 148 entries, 70 MB of
// sparse file (mostly holes) and about 300 KB of data.
func BenchmarkExtract(b *testing.B) {
	for _, name := range []string{"ext4-4k", "ext2-1k"} {
		b.Run(name, func(b *testing.B) {
			img := load(b, name+".img.gz")
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
