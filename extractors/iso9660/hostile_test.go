package iso9660

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestHostile(t *testing.T) {
	t.Run("dirloop", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-dirloop.iso.gz"), false)
		if err != nil {
			t.Fatal(err)
		}
		if s.Notes["iso9660.dir_loops"] != "1" || s.Entries["etc/bin"] != nil || s.Entries["usr/share/doc/numbers.txt"] == nil {
			t.Errorf("notes %v", s.Notes)
		}
	})
	t.Run("size", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-size.iso.gz"), false)
		var fe *extractors.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("want a FormatError, got %v", err)
		}
		if s.Entries["usr/share/doc/numbers.txt"] != nil || s.Entries["bin/random.bin"] == nil {
			t.Error("the file past the end was written, or the others lost")
		}
	})
	t.Run("traversal", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-traversal.iso.gz"), false)
		if err != nil || s.Notes["iso9660.bad_names"] != "1" || len(s.Refused) != 0 || s.Entries["etc/passwd.hard"] == nil {
			t.Errorf("err %v notes %v refused %v", err, s.Notes, s.Refused)
		}
	})
	t.Run("ce-loop", func(t *testing.T) {
		s, _, _, err := sinktest.Extract(t, Handler{}, sinktest.Fixture(t, "evil-ce-loop.iso.gz"), false)
		if err != nil || s.Notes["iso9660.bad_rockridge"] != "1" || s.Notes["iso9660.entries"] != "33" {
			t.Errorf("err %v notes %v", err, s.Notes)
		}
	})
}

// Every truncation of a real image is refused by Identify, or extracts
// what lies before the cut and reports a FormatError.
func TestTruncated(t *testing.T) {
	sinktest.CheckTruncations(t, Handler{}, sinktest.Fixture(t, "rr.iso.gz"), 997)
}

// Random byte changes to the small image's descriptors and directories:
// each extraction ends, in time, without panic.
func TestMutations(t *testing.T) {
	sinktest.CheckMutations(t, Handler{}, [][]byte{sinktest.Fixture(t, "small.iso.gz")}, 5000,
		func(rng *rand.Rand, size int) int { return vdStart + rng.IntN(size-vdStart) })
}
