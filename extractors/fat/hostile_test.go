package fat

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
	var fe *extractors.FormatError
	t.Run("chainloop", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-chainloop.img.gz"), true)
		if !errors.As(err, &fe) {
			t.Fatalf("want a FormatError, got %v", err)
		}
		// What came before the loop is kept, as with any broken file.
		if e := s.Entries["RANDOM.BIN"]; s.Entries["ETC/PASSWD"] == nil || e == nil || e.Size >= 30000 {
			t.Errorf("the loop was followed, or the others lost: %+v", e)
		}
	})
	t.Run("dirloop", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-dirloop.img.gz"), true)
		if err != nil {
			t.Fatal(err)
		}
		if s.Notes["fat.dir_loops"] != "1" || s.Entries["usr/share"] != nil || s.Entries["ETC/PASSWD"] == nil {
			t.Errorf("notes %v", s.Notes)
		}
	})
	t.Run("size", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-size.img.gz"), true)
		if !errors.As(err, &fe) {
			t.Fatalf("want a FormatError, got %v", err)
		}
		if e := s.Entries["usr/share/doc/numbers.txt"]; s.Entries["RANDOM.BIN"] == nil || e == nil || e.Size > 20000 {
			t.Errorf("the short chain was read past its end, or the others lost: %+v", e)
		}
	})
	t.Run("lfn", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-lfn.img.gz"), true)
		if err != nil || s.Notes["fat.bad_names"] != "1" || len(s.Refused) != 0 || s.Notes["fat.entries"] != "16" {
			t.Errorf("err %v notes %v refused %v", err, s.Notes, s.Refused)
		}
	})
	t.Run("checksum", func(t *testing.T) {
		// A long name whose checksum does not match its short entry is an
		// orphan: the short name stands.
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "bad-lfn-checksum.img.gz"), true)
		if err != nil || s.Entries["AFILEW~1.CON"] == nil {
			t.Errorf("err %v", err)
		}
	})
}

// Every truncation of a real image is refused by Identify, or extracts
// what lies before the cut and reports a FormatError.
func TestTruncated(t *testing.T) {
	img := sinktest.Fixture(t, "fat12.img.gz")
	for cut := 0; cut < len(img); cut += 1009 {
		r := bytes.NewReader(img[:cut])
		c, err := Handler{}.Identify(r, 0, int64(cut))
		if err != nil {
			continue
		}
		s := sinktest.NewSink(false)
		end, err := Handler{}.Extract(context.Background(), r, c, s)
		var fe *extractors.FormatError
		if end != int64(cut) || (err != nil && !errors.As(err, &fe)) {
			t.Fatalf("cut %d: end %d err %v", cut, end, err)
		}
	}
}

// Random byte changes to the small image: each extraction ends, in time,
// without panic.
func TestMutations(t *testing.T) {
	img := sinktest.Fixture(t, "small.img.gz")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		b := bytes.Clone(img)
		for range 1 + rng.IntN(8) {
			// Most of the image is empty data area: aim at the metadata.
			b[rng.IntN(8192)] = byte(rng.IntN(256))
		}
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			continue
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		end, _ := Handler{}.Extract(ctx, r, c, s)
		cancel()
		if d := time.Since(start); d > 2*time.Second || end != c.End {
			t.Fatalf("mutation %d: %v, end %d", i, d, end)
		}
	}
}
