package archive7

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads lzma2.7z, or the archive FWSTAR_BENCH_7Z names (a
// bigger one, e.g. 7z a of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	sinktest.BenchExtract(b, SevenZip{}, "FWSTAR_BENCH_7Z", "lzma2.7z")
}
