package archive7

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func extract(t testing.TB, path string) (*sinktest.Sink, extractors.Chunk, int64, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, _ := f.Stat()
	c, err := SevenZip{}.Identify(f, 0, fi.Size())
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	s := sinktest.NewSink(false)
	end, err := SevenZip{}.Extract(context.Background(), f, c, s)
	return s, c, end, err
}

func TestFixtures(t *testing.T) {
	for _, name := range []string{"lzma2", "copy", "nonsolid", "bzip2"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("testdata", name+".7z")
			s, c, end, err := extract(t, p)
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
		s, _, end, err := extract(t, filepath.Join("testdata", name+".7z"))
		fi, _ := os.Stat(filepath.Join("testdata", name+".7z"))
		if err != nil || end != fi.Size() || s.Notes["7z.encrypted"] != note {
			t.Errorf("%s: err %v end %d notes %v", name, err, end, s.Notes)
		}
	}
}
