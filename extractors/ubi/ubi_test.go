package ubi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// extract identifies and extracts the image in b with h from offset 0.
func extract(t testing.TB, h extractors.Handler, b []byte) (*sinktest.Sink, extractors.Chunk, int64, error) {
	t.Helper()
	r := bytes.NewReader(b)
	c, err := h.Identify(r, 0, int64(len(b)))
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	s := sinktest.NewSink(true)
	end, err := h.Extract(context.Background(), r, c, s)
	return s, c, end, err
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func diffTree(t *testing.T, s *sinktest.Sink, tree string) {
	t.Helper()
	want, err := sinktest.ReadTree(filepath.Join("testdata", tree))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range (sinktest.Compare{Hardlinks: true}).Diff(s.List(), want) {
		t.Error(d)
	}
}

func TestUBIFS(t *testing.T) {
	for _, name := range []string{"lzo.ubifs", "zlib.ubifs", "none.ubifs"} {
		t.Run(name, func(t *testing.T) {
			b := readFile(t, name)
			s, c, end, err := extract(t, UBIFS{}, b)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.End != int64(len(b)) || end != c.End {
				t.Errorf("chunk end %d, extract end %d, want %d", c.End, end, len(b))
			}
			if len(s.Notes) != 0 {
				t.Errorf("notes %v", s.Notes)
			}
			diffTree(t, s, "tree.tree")
		})
	}
}

func TestUBI(t *testing.T) {
	b := readFile(t, "two-volumes.ubi")
	s, c, end, err := extract(t, UBI{}, b)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.End != int64(len(b)) || end != c.End || c.Attrs["ubi.peb_size"] != "16384" || c.Attrs["ubi.image_seq"] != "1234" {
		t.Errorf("chunk %+v end %d", c, end)
	}
	diffTree(t, s, "two-volumes.tree")
	// The rootfs volume is the zstd UBIFS; read it as the engine would.
	fs, _, _, err := extract(t, UBIFS{}, s.Content["rootfs"])
	if err != nil {
		t.Fatalf("UBIFS in the volume: %v", err)
	}
	diffTree(t, fs, "tree.tree")
}
