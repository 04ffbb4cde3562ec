package cramfs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

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
			s, c, end, err := sinktest.ExtractFile(t, Handler{}, p, true)
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
