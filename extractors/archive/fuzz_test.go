package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		c, err := h.Identify(r, 0, int64(len(data)))
		if err != nil {
			return
		}
		if c.Start != 0 || c.End == 0 || c.End > int64(len(data)) {
			t.Fatalf("bad chunk %+v for %d bytes", c, len(data))
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		end, _ := h.Extract(ctx, r, c, s)
		if end > int64(len(data)) || end < 0 {
			t.Fatalf("end %d for %d bytes", end, len(data))
		}
	})
}

func FuzzCPIO(f *testing.F) { fuzz(f, CPIO{}, "*.cpio") }
func FuzzTar(f *testing.F)  { fuzz(f, Tar{}, "*.tar") }
func FuzzZip(f *testing.F)  { fuzz(f, Zip{}, "*.zip") }
