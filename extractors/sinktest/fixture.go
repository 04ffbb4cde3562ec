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

// Seeds adds the testdata files matching each glob to f's corpus, at most
// max bytes of each (0: all) so that mutations reach the headers. bomb*
// fixtures are left out: each run would decode megabytes of zeros.
func Seeds(f *testing.F, max int, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(filepath.Join("testdata", g))
		for _, file := range files {
			if strings.HasPrefix(filepath.Base(file), "bomb") {
				continue
			}
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			if max > 0 {
				b = b[:min(len(b), max)]
			}
			f.Add(b)
		}
	}
}

// CheckIdentify is the body of a handler's FuzzIdentify: whatever b holds, a
// chunk h identifies there starts where it was asked to look and ends inside
// b; only a stream may leave its end to decoding (-1). ok is whether h
// identified a chunk.
func CheckIdentify(t *testing.T, h extractors.Handler, b []byte, stream bool) (c extractors.Chunk, ok bool) {
	c, err := h.Identify(bytes.NewReader(b), 0, int64(len(b)))
	if err != nil {
		return c, false
	}
	if c.Start != 0 || c.End > int64(len(b)) || (c.End <= 0 && !(stream && c.End == -1)) {
		t.Fatalf("%s: bad chunk %+v for %d bytes", h.Name(), c, len(b))
	}
	return c, true
}

// CheckExtract is the body of a handler's FuzzExtract: whatever b holds, a
// chunk h identifies passes CheckIdentify (as a stream's may), and it
// extracts under a small budget and a deadline without panicking and ends
// inside the input.
func CheckExtract(t *testing.T, h extractors.Handler, b []byte) {
	c, ok := CheckIdentify(t, h, b, true)
	if !ok {
		return
	}
	r := bytes.NewReader(b)
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
