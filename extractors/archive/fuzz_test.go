package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// fuzz seeds a target with the handler's fixtures and checks Identify and
// Extract: no panic, a chunk and an end inside the input, bounded output.
func fuzz(f *testing.F, h extractors.Handler, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(filepath.Join("testdata", g))
		for _, file := range files {
			if strings.HasPrefix(filepath.Base(file), "bomb") {
				continue // each run would decode megabytes of zeros
			}
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { sinktest.CheckExtract(t, h, data) })
}

func FuzzCPIO(f *testing.F) { fuzz(f, CPIO{}, "*.cpio") }
func FuzzTar(f *testing.F)  { fuzz(f, Tar{}, "*.tar") }
func FuzzZip(f *testing.F)  { fuzz(f, Zip{}, "*.zip") }
