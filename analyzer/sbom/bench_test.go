package sbom

import (
	"context"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// BenchmarkBuild times Build alone (extraction excluded) on corpus trees.
func BenchmarkBuild(b *testing.B) {
	for _, name := range []string{"openwrt-15.05.1-tl-wr703n-factory.bin", "debian12-kirkwood-initrd.gz", "iotctf2020-web2.squashfs"} {
		b.Run(name, func(b *testing.B) {
			img := samples.Corpus(b, name)
			dir := b.TempDir()
			m, err := engine.Default().Extract(context.Background(), img, dir)
			if err != nil {
				b.Fatal(err)
			}
			tr := model.NewTree(m, dir)
			var n int
			for b.Loop() {
				comps, err := Build(context.Background(), tr)
				if err != nil {
					b.Fatal(err)
				}
				n = len(comps)
			}
			b.ReportMetric(float64(n), "components")
		})
	}
}
