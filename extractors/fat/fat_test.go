package fat

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestFixtures(t *testing.T) {
	// mkfs.fat rounds fat16's 5000 KiB down to whole 4 KiB tracks.
	for _, tc := range []struct {
		name, bits string
		end        int64
		entries    string
	}{{"fat12", "12", 409600, "17"}, {"fat16", "16", 5111808, "17"}, {"fat32", "32", 34816000, "17"}, {"small", "12", 65536, "5"}} {
		t.Run(tc.name, func(t *testing.T) {
			img := sinktest.Fixture(t, tc.name+".img.gz")
			s, c, end, err := sinktest.Extract(t, Handler{}, img, true)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.End != tc.end || end != c.End || c.Attrs["fat.bits"] != tc.bits || c.Attrs["fat.label"] == "" {
				t.Errorf("chunk %+v, end %d", c, end)
			}
			if len(s.Notes) != 1 || s.Notes["fat.entries"] != tc.entries {
				t.Errorf("notes %v", s.Notes)
			}
			want, err := sinktest.ReadTree(filepath.Join("testdata", tc.name+".tree"))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range (sinktest.Compare{}).Diff(s.List(), want) {
				t.Error(d)
			}
		})
	}
}

// mtimes survive (mcopy -m keeps them; FAT stores them in 2-second steps).
type timeSink struct {
	*sinktest.Sink
	times map[string]time.Time
}

func (s *timeSink) File(n string, m extractors.Meta, r io.Reader) error {
	s.times[n] = m.MTime
	return s.Sink.File(n, m, r)
}

func TestMTime(t *testing.T) {
	img := sinktest.Fixture(t, "fat32.img.gz")
	r := bytes.NewReader(img)
	c, _ := Handler{}.Identify(r, 0, int64(len(img)))
	s := &timeSink{sinktest.NewSink(false), map[string]time.Time{}}
	if _, err := (Handler{}).Extract(context.Background(), r, c, s); err != nil {
		t.Fatal(err)
	}
	want := time.Unix(1600000000, 0).UTC()
	for _, p := range []string{"ETC/PASSWD", "日本語/ファイル名.txt", "fragmented.bin"} {
		if !s.times[p].Equal(want) {
			t.Errorf("%s: %v", p, s.times[p])
		}
	}
}
