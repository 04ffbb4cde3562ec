package squashfs

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
	files, _ := filepath.Glob("testdata/*.sqfs")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzIdentify(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err == nil && (c.Start != 0 || c.End <= c.Start || c.End > int64(len(b))) {
			t.Fatalf("bad chunk %+v of %d bytes", c, len(b))
		}
	})
}

func FuzzExtract(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		sink := sinktest.NewSink(false)
		sink.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		end, _ := Handler{}.Extract(ctx, r, c, sink)
		if ctx.Err() != nil {
			t.Fatal("Extract ran into the deadline")
		}
		if end < c.Start || end > c.End {
			t.Fatalf("end %d outside the chunk %+v", end, c)
		}
	})
}
