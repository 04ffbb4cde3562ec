package engine_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// BenchmarkExtract unpacks corpus images end to end, writes included, into a
// fresh folder per op: the figure `fwstar extract` costs less process start.
// Folders are removed only at the end: on ext4, creating files right after
// deleting as many made openat several times slower and timed the file
// system's inode reuse, not the engine.
func BenchmarkExtract(b *testing.B) {
	for _, name := range []string{"openwrt-15.05.1-tl-wr703n-factory.bin", "debian12-kirkwood-initrd.gz", "iotctf2020-web2.squashfs"} {
		b.Run(name, func(b *testing.B) {
			in := samples.Corpus(b, name)
			e := engine.Default()
			tmp := b.TempDir()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(tmp, strconv.Itoa(i))
				if _, err := e.Extract(context.Background(), in, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
