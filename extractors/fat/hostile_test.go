package fat

import (
	"errors"
	"math/rand/v2"
	"testing"

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
	sinktest.CheckTruncations(t, Handler{}, sinktest.Fixture(t, "fat12.img.gz"), 1009)
}

// Random byte changes to the small image: each extraction ends, in time,
// without panic. Most of the image is empty data area: aim at the metadata.
func TestMutations(t *testing.T) {
	sinktest.CheckMutations(t, Handler{}, [][]byte{sinktest.Fixture(t, "small.img.gz")}, 5000,
		func(rng *rand.Rand, _ int) int { return rng.IntN(8192) })
}
