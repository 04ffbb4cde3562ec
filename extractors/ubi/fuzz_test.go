package ubi

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

var handlers = []extractors.Handler{UBI{}, UBIFS{}}

func seeds(f *testing.F) {
	sinktest.Seeds(f, 0, "*.ub*")
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, h := range handlers {
			sinktest.CheckIdentify(t, h, b, false)
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
