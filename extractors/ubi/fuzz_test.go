package ubi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

var handlers = []extractors.Handler{UBI{}, UBIFS{}}

func seeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ub*")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range handlers {
			c, err := h.Identify(bytes.NewReader(b), 0, int64(len(b)))
			if err == nil && (c.Start != 0 || c.End <= 0 || c.End > int64(len(b))) {
				t.Fatalf("%s: chunk %+v", h.Name(), c)
			}
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range handlers {
			r := bytes.NewReader(b)
			c, err := h.Identify(r, 0, int64(len(b)))
			if err != nil {
				continue
			}
			s := sinktest.NewSink(false)
			s.MaxBytes = 1 << 20
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			end, _ := h.Extract(ctx, r, c, s)
			cancel()
			if end < c.Start || end > int64(len(b)) {
				t.Fatalf("%s: end %d outside [%d, %d]", h.Name(), end, c.Start, len(b))
			}
		}
	})
}
