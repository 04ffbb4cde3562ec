package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// BenchmarkExtract unpacks corpus images end to end, writes included, into a
// fresh folder per op: the figure `fwstar extract` costs less process start.
func BenchmarkExtract(b *testing.B) {
	for _, name := range []string{"openwrt-15.05.1-tl-wr703n-factory.bin", "debian12-kirkwood-initrd.gz"} {
		b.Run(name, func(b *testing.B) {
			in := samples.Corpus(b, name)
			e := engine.Default()
			tmp := b.TempDir()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(tmp, "out")
				if _, err := e.Extract(context.Background(), in, out); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
		})
	}
}
