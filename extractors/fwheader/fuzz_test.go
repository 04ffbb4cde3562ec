package fwheader

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// FuzzExtract feeds each input to every handler of the package.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		for _, h := range Handlers() {
			c, err := h.Identify(r, 0, int64(len(b)))
			if err != nil {
				continue
			}
			if c.Start != 0 || c.End <= 0 || c.End > int64(len(b)) {
				t.Fatalf("%s: bad chunk [%d,%d) of %d", h.Name(), c.Start, c.End, len(b))
			}
			for _, hn := range c.Hints {
				if hn.Offset < c.End {
					t.Fatalf("%s: hint at 0x%X inside the header [0,0x%X)", h.Name(), hn.Offset, c.End)
				}
			}
			s := sinktest.NewSink(false)
			s.MaxBytes = 1 << 20
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			h.Extract(ctx, r, c, s)
			cancel()
		}
	})
}
