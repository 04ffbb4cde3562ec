package archive7

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestFixtures(t *testing.T) {
	for _, name := range []string{"lzma2", "copy", "nonsolid", "bzip2"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("testdata", name+".7z")
			s, c, end, err := sinktest.ExtractFile(t, SevenZip{}, p, false)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			fi, _ := os.Stat(p)
			if c.End != fi.Size() || end != c.End {
				t.Errorf("chunk end %d, end %d, want %d", c.End, end, fi.Size())
			}
			if len(s.Notes) != 1 || s.Notes["7z.entries"] != "15" {
				t.Errorf("notes %v", s.Notes)
			}
			want, err := sinktest.ReadTree(filepath.Join("testdata", name+".tree"))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range (sinktest.Compare{}).Diff(s.List(), want) {
				t.Error(d)
			}
		})
	}
}

func TestEncrypted(t *testing.T) {
	for name, note := range map[string]string{"encrypted": "7 files", "encrypted-headers": "headers"} {
		s, _, end, err := sinktest.ExtractFile(t, SevenZip{}, filepath.Join("testdata", name+".7z"), false)
		fi, _ := os.Stat(filepath.Join("testdata", name+".7z"))
		if err != nil || end != fi.Size() || s.Notes["7z.encrypted"] != note {
			t.Errorf("%s: err %v end %d notes %v", name, err, end, s.Notes)
		}
	}
}
