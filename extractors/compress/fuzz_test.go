package compress

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

// fuzz seeds a target with the handler's fixtures (the first 16 KiB, so that
// mutations reach the headers) and checks Identify and Extract: no panic, a
// chunk inside the input, an end inside the input, a bounded output.
func fuzz(f *testing.F, h extractors.Handler, globs ...string) {
	dictMax = 1 << 20 // a 64 MiB dictionary per run would make fuzzing crawl
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
			f.Add(b[:min(len(b), 16<<10)])
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

func FuzzGzip(f *testing.F)  { fuzz(f, Gzip{}, "*.gz") }
func FuzzXZ(f *testing.F)    { fuzz(f, XZ{}, "*.xz") }
func FuzzLZMA(f *testing.F)  { fuzz(f, LZMA{}, "*.lzma") }
func FuzzZstd(f *testing.F)  { fuzz(f, Zstd{}, "*.zst") }
func FuzzBzip2(f *testing.F) { fuzz(f, Bzip2{}, "*.bz2") }
func FuzzLZ4(f *testing.F)   { fuzz(f, LZ4{}, "*.lz4") }
func FuzzLzop(f *testing.F)  { fuzz(f, Lzop{}, "*.lzo") }
