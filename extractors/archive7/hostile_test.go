package archive7

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestHostile(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"plain-header", ""},
		{"evil-data", "data"},     // files of the broken folder fail, with a FormatError
		{"evil-numfiles", "head"}, // the header does not parse
		{"evil-packsize", "head"}, // a packed stream larger than the archive
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c, end, err := sinktest.ExtractFile(t, SevenZip{}, filepath.Join("testdata", tc.name+".7z"), false)
			var fe *extractors.FormatError
			switch tc.want {
			case "":
				if err != nil || s.Notes["7z.entries"] != "15" {
					t.Errorf("err %v notes %v", err, s.Notes)
				}
			case "data":
				if !errors.As(err, &fe) || end != c.End || s.Entries["etc/init.d"] == nil {
					t.Errorf("err %v end %d", err, end)
				}
			case "head":
				if !errors.As(err, &fe) || len(s.Entries) != 0 {
					t.Errorf("err %v, %d entries", err, len(s.Entries))
				}
			}
		})
	}
}

// The next header lies at the end, so no truncation of an archive is
// identified.
func TestTruncated(t *testing.T) {
	img, err := os.ReadFile("testdata/lzma2.7z")
	if err != nil {
		t.Fatal(err)
	}
	for cut := 0; cut < len(img); cut += 53 {
		if c, err := (SevenZip{}).Identify(bytes.NewReader(img[:cut]), 0, int64(cut)); err == nil {
			t.Fatalf("cut %d: identified as %+v", cut, c)
		}
	}
}

// Random byte changes to the plain header (its CRC fixed up) and to the
// packed data: each extraction ends, in time, without panic.
func TestMutations(t *testing.T) {
	img, err := os.ReadFile("testdata/plain-header.7z")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 800 {
		b := mutate(img, rng)
		r := bytes.NewReader(b)
		c, err := SevenZip{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			continue
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		end, _ := SevenZip{}.Extract(ctx, r, c, s)
		cancel()
		if d := time.Since(start); d > 2*time.Second || (end != c.End && end != c.Start) {
			t.Fatalf("mutation %d: %v, end %d", i, d, end)
		}
	}
}
