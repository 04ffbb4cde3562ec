package fat

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads the 34 MB FAT32 fixture (17 entries, 110 KB of
// files), or the image FWSTAR_BENCH_FAT names.
func BenchmarkExtract(b *testing.B) {
	sinktest.BenchExtract(b, Handler{}, "FWSTAR_BENCH_FAT", "fat32.img.gz")
}
