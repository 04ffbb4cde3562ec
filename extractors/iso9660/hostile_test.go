package iso9660

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
	img := sinktest.Fixture(t, "rr.iso.gz")
	for cut := 0; cut < len(img); cut += 997 {
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

// Random byte changes to the small image's descriptors and directories:
// each extraction ends, in time, without panic.
func TestMutations(t *testing.T) {
	img := sinktest.Fixture(t, "small.iso.gz")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		b := bytes.Clone(img)
		for range 1 + rng.IntN(8) {
			b[vdStart+rng.IntN(len(b)-vdStart)] = byte(rng.IntN(256))
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
