package fat

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seeds(f *testing.F) {
	for _, n := range []string{"small.img.gz"} {
		f.Add(sinktest.Fixture(f, n))
	}
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err == nil && (c.Start != 0 || c.End > int64(len(b)) || c.End <= 0) {
			t.Fatalf("chunk %+v", c)
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		end, _ := Handler{}.Extract(ctx, r, c, s)
		if end < c.Start || end > int64(len(b)) {
			t.Fatalf("end %d outside [%d, %d]", end, c.Start, len(b))
		}
	})
}
