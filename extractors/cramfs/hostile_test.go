package cramfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestHostile(t *testing.T) {
	t.Run("traversal", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-traversal.cramfs", true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Notes["cramfs.bad_names"] != "1" || s.Entries["etc/passwd"] != nil || s.Entries["etc/passwd.hard"] == nil {
			t.Errorf("notes %v", s.Notes)
		}
	})
	t.Run("loop", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-loop.cramfs", true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Entries["etc/init.d/rcS"] != nil || s.Entries["etc/init.d/bin"] != nil || s.Entries["etc/passwd"] == nil {
			t.Error("the loop was followed, or the rest lost")
		}
	})
	t.Run("size", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/evil-size.cramfs", true)
		var fe *extractors.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("want a FormatError, got %v", err)
		}
		if s.Entries["bin/random.bin"] == nil {
			t.Error("files beside the bad one were lost")
		}
	})
	t.Run("crc", func(t *testing.T) {
		s, _, _, err := sinktest.ExtractFile(t, Handler{}, "testdata/bad-crc.cramfs", true)
		if err != nil || s.Notes["cramfs.crc"] != "bad" || s.Notes["cramfs.entries"] != "21" {
			t.Errorf("err %v notes %v", err, s.Notes)
		}
	})
	t.Run("v1", func(t *testing.T) {
		s, c, end, err := sinktest.ExtractFile(t, Handler{}, "testdata/v1.cramfs", true)
		if err != nil || c.End != -1 || end != 20480 || s.Notes["cramfs.entries"] != "21" {
			t.Errorf("err %v chunk end %d end %d notes %v", err, c.End, end, s.Notes)
		}
	})
}

// Every truncation of a real image fails cleanly or is refused by Identify.
func TestTruncated(t *testing.T) {
	img, err := os.ReadFile("testdata/le.cramfs")
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(img); cut += 97 {
		r := bytes.NewReader(img[:cut])
		c, err := Handler{}.Identify(r, 0, int64(cut))
		if err == nil {
			t.Fatalf("cut %d: identified a truncated image as %+v", cut, c)
		}
		// Extract on the chunk of the whole image, over truncated bytes.
		c = extractors.Chunk{Start: 0, End: -1}
		s := sinktest.NewSink(false)
		end, err := Handler{}.Extract(context.Background(), r, c, s)
		var fe *extractors.FormatError
		if end < 0 || end > int64(cut) || (err != nil && !errors.As(err, &fe)) {
			t.Fatalf("cut %d: end %d err %v", cut, end, err)
		}
	}
}
