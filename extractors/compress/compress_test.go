package compress

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// run identifies and extracts the chunk at off of a fixture.
func run(t *testing.T, h extractors.Handler, data []byte, off int64) (extractors.Chunk, int64, *sinktest.Sink, error) {
	t.Helper()
	r := bytes.NewReader(data)
	c, err := h.Identify(r, off, int64(len(data)))
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	s := sinktest.NewSink(true)
	end, err := h.Extract(context.Background(), r, c, s)
	return c, end, s, err
}

func TestStreams(t *testing.T) {
	src, src2 := read(t, "src.bin"), read(t, "src2.txt")
	both := append(append([]byte{}, src...), src2...)
	tests := []struct {
		file    string
		h       extractors.Handler
		want    []byte
		garbage int64 // bytes after the stream that are not part of it
	}{
		{"src.bin.gz", Gzip{}, src, 0},
		{"noname.gz", Gzip{}, src, 0},
		{"multi.gz", Gzip{}, both, 0},
		{"garbage.gz", Gzip{}, src, 24},
		{"src.bin.xz", XZ{}, src, 0},
		{"x86.xz", XZ{}, src, 0},
		{"arm.xz", XZ{}, src, 0},
		{"delta.xz", XZ{}, src, 0},
		{"multi.xz", XZ{}, both, 0},
		{"blocks.xz", XZ{}, src, 0},
		{"trailing.xz", XZ{}, src, 100},
		{"src.bin.lzma", LZMA{}, src, 0},
		{"stdin.lzma", LZMA{}, src, 0},
		{"trailing.lzma", LZMA{}, src, 64},
		{"src.bin.zst", Zstd{}, src, 0},
		{"multi.zst", Zstd{}, both, 0},
		{"src.bin.bz2", Bzip2{}, src, 0},
		{"multi.bz2", Bzip2{}, both, 0},
		{"trailing.bz2", Bzip2{}, src, 24},
		{"src.bin.lz4", LZ4{}, src, 0},
		{"legacy.lz4", LZ4{}, src, 0},
		{"src.bin.lzo", Lzop{}, src, 0},
		{"src2.txt.lzo", Lzop{}, src2, 0},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data := read(t, tc.file)
			// The stream also sits 100 bytes into a bigger blob.
			for _, pre := range []int64{0, 100} {
				blob := append(bytes.Repeat([]byte{0xAA}, int(pre)), data...)
				c, end, s, err := run(t, tc.h, blob, pre)
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				if c.End > 0 && c.End != end {
					t.Errorf("Identify said end %d, Extract %d", c.End, end)
				}
				if want := int64(len(blob)) - tc.garbage; end != want {
					t.Errorf("at %d: end %d, want %d", pre, end, want)
				}
				if len(s.Content) != 1 {
					t.Fatalf("%d blobs", len(s.Content))
				}
				for name, got := range s.Content {
					if sum(got) != sum(tc.want) {
						t.Errorf("%s: %d bytes, sha256 %s; want %d bytes", name, len(got), sum(got)[:12], len(tc.want))
					}
				}
			}
		})
	}
}

func TestNames(t *testing.T) {
	for file, want := range map[string]string{"src.bin.gz": "src.bin", "noname.gz": "gzip.out", "src2.txt.lzo": "src2.txt", "x86.xz": "xz.out"} {
		_, _, s, err := run(t, handlerFor(file), read(t, file), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Content[want]; !ok {
			t.Errorf("%s: got %v, want name %q", file, s.List(), want)
		}
	}
	// Through a named file at offset 0, the parent's name minus its suffix.
	f, err := os.Open("testdata/noname.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := outName(f, 0, "", "gzip.out", gzipSuffixes); got != "noname" {
		t.Errorf("fallback name %q", got)
	}
	if got := outName(f, 10, "", "gzip.out", gzipSuffixes); got != "gzip.out" {
		t.Errorf("fallback name inside a blob %q", got)
	}
}

func handlerFor(file string) extractors.Handler {
	switch filepath.Ext(file) {
	case ".gz":
		return Gzip{}
	case ".xz":
		return XZ{}
	case ".lzma":
		return LZMA{}
	case ".zst":
		return Zstd{}
	case ".bz2":
		return Bzip2{}
	case ".lz4":
		return LZ4{}
	}
	return Lzop{}
}

// Truncated streams keep what decoded and say where they broke.
func TestTruncated(t *testing.T) {
	for _, file := range []string{"src.bin.gz", "src.bin.xz", "src.bin.lzma", "src.bin.zst", "src.bin.bz2", "src.bin.lz4", "legacy.lz4", "src.bin.lzo"} {
		data := read(t, file)
		h := handlerFor(file)
		for cut := 40; cut < len(data); cut += len(data) / 7 {
			b := data[:cut]
			r := bytes.NewReader(b)
			c, err := h.Identify(r, 0, int64(len(b)))
			if err != nil {
				continue // too short to tell: fine
			}
			s := sinktest.NewSink(false)
			end, err := h.Extract(context.Background(), r, c, s)
			var fe *extractors.FormatError
			if !errors.As(err, &fe) {
				t.Errorf("%s cut at %d: err %v, want a FormatError", file, cut, err)
			}
			if end > int64(cut) {
				t.Errorf("%s cut at %d: end %d past the data", file, cut, end)
			}
		}
	}
}

// Bombs stop at the sink's budget, promptly and without leaking the decoder.
func TestBombs(t *testing.T) {
	for _, file := range []string{"bomb.xz", "bomb.zst", "bomb.bz2", "bomb.gz", "bomb.lz4"} {
		t.Run(file, func(t *testing.T) {
			data := read(t, file)
			r := bytes.NewReader(data)
			h := handlerFor(file)
			c, err := h.Identify(r, 0, int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			s := sinktest.NewSink(false)
			s.MaxBytes = 8 << 20
			_, err = h.Extract(context.Background(), r, c, s)
			var le *extractors.LimitError
			if !errors.As(err, &le) {
				t.Fatalf("err %v, want a LimitError", err)
			}
		})
	}
}

// Identify refuses the other formats' fixtures and plain data.
func TestNotFormat(t *testing.T) {
	hs := []extractors.Handler{Gzip{}, XZ{}, LZMA{}, Zstd{}, Bzip2{}, LZ4{}, Lzop{}}
	for _, file := range []string{"src.bin", "src2.txt", "src.bin.gz", "src.bin.xz", "src.bin.zst", "src.bin.bz2", "src.bin.lz4", "src.bin.lzo", "src.bin.lzma"} {
		data := read(t, file)
		for _, h := range hs {
			if handlerFor(file) == h && file != "src.bin" && file != "src2.txt" {
				continue
			}
			if _, err := h.Identify(bytes.NewReader(data), 0, int64(len(data))); !errors.Is(err, extractors.ErrNotFormat) {
				t.Errorf("%s identified %s: %v", h.Name(), file, err)
			}
		}
	}
}
