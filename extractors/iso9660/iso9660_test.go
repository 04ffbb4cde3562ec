package iso9660

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func TestFixtures(t *testing.T) {
	for _, tc := range []struct{ name, names, joliet, entries string }{
		{"rr", "rockridge", "false", "33"},
		{"rr-joliet", "rockridge", "true", "33"},
		{"joliet", "joliet", "true", "27"},
		{"plain", "iso9660", "false", "27"},
		{"small", "rockridge", "true", "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := sinktest.Fixture(t, tc.name+".iso.gz")
			s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.End != int64(len(img)) || end != c.End || c.Attrs["iso9660.joliet"] != tc.joliet {
				t.Errorf("chunk %+v, end %d", c, end)
			}
			if len(s.Notes) != 2 || s.Notes["iso9660.names"] != tc.names || s.Notes["iso9660.entries"] != tc.entries {
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

// metaSink keeps the Meta of every entry: times and device numbers are not
// in .tree files.
type metaSink struct {
	*sinktest.Sink
	mu   sync.Mutex
	meta map[string]extractors.Meta
}

func (m *metaSink) put(n string, x extractors.Meta) {
	m.mu.Lock()
	m.meta[n] = x
	m.mu.Unlock()
}
func (m *metaSink) Special(n string, x extractors.Meta) error {
	m.put(n, x)
	return m.Sink.Special(n, x)
}
func (m *metaSink) File(n string, x extractors.Meta, r io.Reader) error {
	m.put(n, x)
	return m.Sink.File(n, x, r)
}

func TestMeta(t *testing.T) {
	img := sinktest.Fixture(t, "rr.iso.gz")
	r := bytes.NewReader(img)
	c, _ := Handler{}.Identify(r, 0, int64(len(img)))
	s := &metaSink{Sink: sinktest.NewSink(false), meta: map[string]extractors.Meta{}}
	if _, err := (Handler{}).Extract(context.Background(), r, c, s); err != nil {
		t.Fatal(err)
	}
	want := time.Unix(1600000000, 0).UTC()
	for _, p := range []string{"etc/passwd", "a/b/c/d/e/f/g/h/i/deep.txt", "dev/console"} {
		if !s.meta[p].MTime.Equal(want) {
			t.Errorf("%s: mtime %v", p, s.meta[p].MTime)
		}
	}
	// PN holds major and minor apart (xorriso -lsdl prints them as one
	// dev_t, 0,5242881; it cannot restore them).
	if m := s.meta["dev/console"]; m.Major != 5 || m.Minor != 1 {
		t.Errorf("dev/console %d,%d", m.Major, m.Minor)
	}
}
