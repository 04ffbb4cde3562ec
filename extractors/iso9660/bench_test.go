package iso9660

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads rr.iso, or the image FWSTAR_BENCH_ISO names (a
// bigger one, e.g. genisoimage -R of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	sinktest.BenchExtract(b, Handler{}, "FWSTAR_BENCH_ISO", "rr.iso.gz")
}
