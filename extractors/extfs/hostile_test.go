package extfs

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestHostile(t *testing.T) {
	t.Run("dirloop", func(t *testing.T) {
		// etc/init.d lists the root's entries: the directories among them
		// were seen and are skipped, the files become hard links.
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-dirloop.img.gz"), false)
		if err != nil {
			t.Fatal(err)
		}
		if s.Notes["ext.dir_loops"] == "" || s.Entries["etc/init.d/etc"] != nil || s.Entries["usr/share/doc/numbers.txt"] == nil {
			t.Errorf("notes %v", s.Notes)
		}
	})
	t.Run("indirect", func(t *testing.T) {
		// sparse's double indirect block lists itself as a single indirect
		// block: the data differs, the walk ends.
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-indirect.img.gz"), false)
		if err != nil {
			t.Fatal(err)
		}
		if e := s.Entries["sparse"]; e == nil || e.Size != 70000000 {
			t.Errorf("sparse %+v", e)
		}
	})
	t.Run("size", func(t *testing.T) {
		img := sinktest.Fixture(t, "evil-size.img.gz")
		r := bytes.NewReader(img)
		c, err := Handler{}.Identify(r, 0, int64(len(img)))
		if err != nil {
			t.Fatal(err)
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 100 << 20
		start := time.Now()
		_, err = Handler{}.Extract(context.Background(), r, c, s)
		var le *extractors.LimitError
		if !errors.As(err, &le) || time.Since(start) > 10*time.Second {
			t.Errorf("want the byte budget to stop a 1 TiB file, got %v after %v", err, time.Since(start))
		}
	})
	t.Run("traversal", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-traversal.img.gz"), false)
		if err != nil {
			t.Fatal(err)
		}
		if s.Notes["ext.bad_names"] != "1" || s.Entries["etc/passwd.hard"] == nil || len(s.Refused) != 0 {
			t.Errorf("notes %v refused %v", s.Notes, s.Refused)
		}
	})
	t.Run("extent", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-extent.img.gz"), false)
		var fe *extractors.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("want a FormatError, got %v", err)
		}
		if s.Entries["fragmented"] != nil || s.Entries["sparse"] == nil {
			t.Error("the bad tree was read, or the rest lost")
		}
	})
}

// Every truncation of a real image is refused by Identify, or extracts
// what lies before the cut and reports a FormatError.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"small-ext2.img.gz", "small-ext4.img.gz"} {
		img := sinktest.Fixture(t, name)
		for cut := 0; cut < len(img); cut += 211 {
			r := bytes.NewReader(img[:cut])
			c, err := Handler{}.Identify(r, 0, int64(cut))
			if err != nil {
				continue
			}
			if c.End != int64(cut) || c.Attrs["ext.truncated"] != "true" {
				t.Fatalf("%s cut %d: chunk %+v", name, cut, c)
			}
			s := sinktest.NewSink(false)
			end, err := Handler{}.Extract(context.Background(), r, c, s)
			var fe *extractors.FormatError
			if end != int64(cut) || (err != nil && !errors.As(err, &fe)) {
				t.Fatalf("%s cut %d: end %d err %v", name, cut, end, err)
			}
		}
	}
}

// Random byte changes to the small images: each extraction ends, in time,
// without panic.
func TestMutations(t *testing.T) {
	imgs := [][]byte{sinktest.Fixture(t, "small-ext2.img.gz"), sinktest.Fixture(t, "small-ext4.img.gz")}
	sinktest.CheckMutations(t, Handler{}, imgs, 3000, func(rng *rand.Rand, size int) int { return rng.IntN(size) })
}
