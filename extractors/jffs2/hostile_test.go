package jffs2

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestHostile(t *testing.T) {
	t.Run("traversal", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-traversal.jffs2", true)
		if err != nil {
			t.Fatal(err)
		}
		// ".." is dropped, "../../x/yz" too; nothing else is lost.
		if s.Notes["jffs2.bad_names"] != "2" || s.Entries["etc/passwd"] != nil || s.Entries["bin/random.bin"] != nil {
			t.Errorf("notes %v", s.Notes)
		}
		for p := range s.Entries {
			if filepath.IsAbs(p) || p == ".." || bytes.HasPrefix([]byte(p), []byte("../")) {
				t.Errorf("escaping entry %q", p)
			}
		}
		if s.Entries["etc/passwd.hard"] == nil || s.Entries["usr/share/doc/numbers.txt"] == nil {
			t.Error("lost entries beside the bad names")
		}
	})
	t.Run("loop", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-loop.jffs2", true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Entries["etc/init.d"] != nil || s.Entries["etc/passwd"] == nil {
			t.Error("the looping directory was written, or its parent was lost")
		}
	})
	t.Run("isize", func(t *testing.T) {
		f, _ := os.Open("testdata/evil-isize.jffs2")
		defer f.Close()
		fi, _ := f.Stat()
		c, err := Handler{}.Identify(f, 0, fi.Size())
		if err != nil {
			t.Fatal(err)
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		_, err = Handler{}.Extract(context.Background(), f, c, s)
		var le *extractors.LimitError
		if !errors.As(err, &le) {
			t.Fatalf("want a budget error, got %v", err)
		}
	})
	t.Run("badnodes", func(t *testing.T) {
		s, _, end, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-badnodes.jffs2", true)
		if err != nil {
			t.Fatal(err)
		}
		// The 3 GiB node fails its length check and is skipped as garbage;
		// the second inode node fails node_crc and is counted.
		if s.Notes["jffs2.bad_nodes"] != "1" || end != 22276 {
			t.Errorf("notes %v end %d", s.Notes, end)
		}
	})
}

// Every truncation of a real image extracts without panic, ends inside the
// input and fails, if at all, with a FormatError.
func TestTruncated(t *testing.T) {
	img, err := os.ReadFile("testdata/le.zlib.jffs2")
	if err != nil {
		t.Fatal(err)
	}
	for cut := 12; cut < len(img); cut += 37 {
		r := bytes.NewReader(img[:cut])
		c, err := Handler{}.Identify(r, 0, int64(cut))
		if err != nil {
			continue
		}
		s := sinktest.NewSink(false)
		end, err := Handler{}.Extract(context.Background(), r, c, s)
		if end < 0 || end > int64(cut) {
			t.Fatalf("cut %d: end %d", cut, end)
		}
		var fe *extractors.FormatError
		// A cut that leaves only cleanmarkers is no file system at all.
		if err != nil && !errors.As(err, &fe) && !errors.Is(err, extractors.ErrNotFormat) {
			t.Fatalf("cut %d: %v", cut, err)
		}
	}
}
