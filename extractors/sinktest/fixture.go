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
