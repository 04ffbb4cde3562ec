package services

import (
	"context"
	"testing"

	"github.com/fwstar/fwstar/samples"
)

// BenchmarkRunOpenWrt runs the pass over the OpenWrt 15.05.1 root
// filesystem (739 files) as unsquashfs extracts it.
func BenchmarkRunOpenWrt(b *testing.B) {
	img := "openwrt-15.05.1-tl-wr703n-factory.bin"
	dir := b.TempDir()
	if err := tool("unsquashfs", "-q", "-n", "-f", "-o", "1159328", "-d", dir, samples.Corpus(b, img)); err != nil {
		b.Skip(err)
	}
	tr := dirTree(b, dir, img)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Run(context.Background(), tr, nil); err != nil {
			b.Fatal(err)
		}
	}
}
