package cramfs

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// extract identifies and extracts the image at path from offset 0.
func extract(t testing.TB, path string) (*sinktest.Sink, extractors.Chunk, int64, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, _ := f.Stat()
	c, err := Handler{}.Identify(f, 0, fi.Size())
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	s := sinktest.NewSink(true)
	end, err := Handler{}.Extract(context.Background(), f, c, s)
	return s, c, end, err
}

func TestFixtures(t *testing.T) {
	for _, tc := range []struct{ file, tree, endian string }{
		{"le.cramfs", "le.tree", "LittleEndian"},
		{"be.cramfs", "be.tree", "BigEndian"},
		{"le-swapped.cramfs", "be.tree", "BigEndian"},
		{"le.padded.cramfs", "le.padded.tree", "LittleEndian"},
		{"le.holes.cramfs", "le.holes.tree", "LittleEndian"},
		{"le.b16k.cramfs", "le.b16k.tree", "LittleEndian"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join("testdata", tc.file)
			s, c, end, err := extract(t, p)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			fi, _ := os.Stat(p)
			if c.End != fi.Size() || end != fi.Size() || c.Attrs["cramfs.endian"] != tc.endian {
				t.Errorf("chunk end %d, extract end %d, %s; want %d %s", c.End, end, c.Attrs["cramfs.endian"], fi.Size(), tc.endian)
			}
			if s.Notes["cramfs.crc"] != "" || s.Notes["cramfs.entries"] != "21" {
				t.Errorf("notes %v", s.Notes)
			}
			want, err := sinktest.ReadTree(filepath.Join("testdata", tc.tree))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range (sinktest.Compare{}).Diff(s.List(), want) {
				t.Error(d)
			}
		})
	}
}
