package iso9660

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// The fuzzer sees the image from its descriptors on: the 32 KiB system area
// in front is zeros it need not mutate.
func seeds(f *testing.F) {
	f.Add(sinktest.Fixture(f, "small.iso.gz")[vdStart:])
}

func reader(b []byte) (*bytes.Reader, int64) {
	full := append(make([]byte, vdStart, vdStart+len(b)), b...)
	return bytes.NewReader(full), int64(len(full))
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, size := reader(b)
		c, err := Handler{}.Identify(r, 0, size)
		if err == nil && (c.Start != 0 || c.End > size || c.End <= 0) {
			t.Fatalf("chunk %+v", c)
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, size := reader(b)
		c, err := Handler{}.Identify(r, 0, size)
		if err != nil {
			return
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		end, _ := Handler{}.Extract(ctx, r, c, s)
		if end < c.Start || end > size {
			t.Fatalf("end %d outside [%d, %d]", end, c.Start, size)
		}
	})
}
