package archive

import (
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// fuzz seeds a target with the handler's fixtures and checks Identify and
// Extract: no panic, a chunk and an end inside the input, bounded output.
func fuzz(f *testing.F, h extractors.Handler, globs ...string) {
	sinktest.Seeds(f, 0, globs...)
	f.Fuzz(func(t *testing.T, data []byte) { sinktest.CheckExtract(t, h, data) })
}

func FuzzCPIO(f *testing.F) { fuzz(f, CPIO{}, "*.cpio") }
func FuzzTar(f *testing.F)  { fuzz(f, Tar{}, "*.tar") }
func FuzzZip(f *testing.F)  { fuzz(f, Zip{}, "*.zip") }
