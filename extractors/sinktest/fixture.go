package sinktest

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// Fixture reads testdata/name, gunzipping it when it ends in .gz (mostly
// empty filesystem images are kept compressed).
func Fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if !strings.HasSuffix(name, ".gz") {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	if b, err = io.ReadAll(zr); err != nil {
		tb.Fatal(err)
	}
	return b
}

// Extract identifies img at offset 0 with h (failing the test when it is not
// h's format) and extracts it into a new Sink that keeps contents if keep.
func Extract(tb testing.TB, h extractors.Handler, img []byte, keep bool) (*Sink, extractors.Chunk, int64, error) {
	tb.Helper()
	r := bytes.NewReader(img)
	c, err := h.Identify(r, 0, int64(len(img)))
	if err != nil {
		tb.Fatalf("Identify: %v", err)
	}
	s := NewSink(keep)
	end, err := h.Extract(context.Background(), r, c, s)
	return s, c, end, err
}

// ExtractFile is Extract on the image in a file, read through the file (as
// the engine gives it to handlers).
func ExtractFile(tb testing.TB, h extractors.Handler, path string, keep bool) (*Sink, extractors.Chunk, int64, error) {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	fi, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	c, err := h.Identify(f, 0, fi.Size())
	if err != nil {
		tb.Fatalf("Identify: %v", err)
	}
	s := NewSink(keep)
	end, err := h.Extract(context.Background(), f, c, s)
	return s, c, end, err
}

// CheckExtract is the body of a handler's FuzzExtract: whatever b holds, a
// chunk h identifies starts where it was asked to look and ends inside the
// input (or is a stream whose end only decoding tells), and it extracts under
// a small budget and a deadline without panicking and ends inside the input.
func CheckExtract(t *testing.T, h extractors.Handler, b []byte) {
	r := bytes.NewReader(b)
	c, err := h.Identify(r, 0, int64(len(b)))
	if err != nil {
		return
	}
	if c.Start != 0 || c.End == 0 || c.End > int64(len(b)) {
		t.Fatalf("bad chunk %+v for %d bytes", c, len(b))
	}
	s := NewSink(false)
	s.MaxBytes = 1 << 20
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	end, _ := h.Extract(ctx, r, c, s)
	if end < c.Start || end > int64(len(b)) {
		t.Fatalf("end %d outside [%d, %d]", end, c.Start, len(b))
	}
}

// BenchExtract benchmarks h on the image the environment variable env names
// (a bigger one made for the occasion), else on testdata/fixture; the sink
// keeps nothing and allows 4 GiB out.
func BenchExtract(b *testing.B, h extractors.Handler, env, fixture string) {
	var img []byte
	if p := os.Getenv(env); p != "" {
		var err error
		if img, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		img = Fixture(b, fixture)
	}
	r := bytes.NewReader(img)
	c, err := h.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		s := NewSink(false)
		s.MaxBytes = 4 << 30
		if _, err := h.Extract(context.Background(), r, c, s); err != nil {
			b.Fatal(err)
		}
	}
}
