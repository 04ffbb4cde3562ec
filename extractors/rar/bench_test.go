package rar

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// BenchmarkExtract reads rar5-solid.rar, or the archive FWSTAR_BENCH_RAR
// names (a bigger one, e.g. rar a -ma5 -s of /usr/share/doc).
func BenchmarkExtract(b *testing.B) {
	sinktest.BenchExtract(b, Handler{}, "FWSTAR_BENCH_RAR", "rar5-solid.rar")
}
