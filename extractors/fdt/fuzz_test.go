package fdt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seed(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			f.Add(b)
		}
	}
}

func FuzzExtract(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		if c.Start != 0 || c.End <= 0 || c.End > int64(len(b)) {
			t.Fatalf("bad chunk [%d,%d) of %d", c.Start, c.End, len(b))
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		Handler{}.Extract(ctx, r, c, s)
	})
}
