package compress

import (
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// fuzz seeds a target with the handler's fixtures (the first 16 KiB, so that
// mutations reach the headers) and checks Identify and Extract: no panic, a
// chunk inside the input, an end inside the input, a bounded output.
func fuzz(f *testing.F, h extractors.Handler, globs ...string) {
	dictMax = 1 << 20 // a 64 MiB dictionary per run would make fuzzing crawl
	sinktest.Seeds(f, 16<<10, globs...)
	f.Fuzz(func(t *testing.T, data []byte) { sinktest.CheckExtract(t, h, data) })
}

func FuzzGzip(f *testing.F)  { fuzz(f, Gzip{}, "*.gz") }
func FuzzXZ(f *testing.F)    { fuzz(f, XZ{}, "*.xz") }
func FuzzLZMA(f *testing.F)  { fuzz(f, LZMA{}, "*.lzma") }
func FuzzZstd(f *testing.F)  { fuzz(f, Zstd{}, "*.zst") }
func FuzzBzip2(f *testing.F) { fuzz(f, Bzip2{}, "*.bz2") }
func FuzzLZ4(f *testing.F)   { fuzz(f, LZ4{}, "*.lz4") }
func FuzzLzop(f *testing.F)  { fuzz(f, Lzop{}, "*.lzo") }
