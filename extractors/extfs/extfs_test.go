package extfs

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
	for _, tc := range []struct{ name, version, features string }{
		{"ext2-1k", "ext2", "filetype,sparse_super"},
		{"ext3-1k", "ext3", "has_journal,filetype,sparse_super"},
		{"ext4-4k", "ext4", "has_journal,filetype,extent,64bit,flex_bg,sparse_super,huge_file,metadata_csum"},
		{"ext4-inline", "ext4", "filetype,extent,64bit,flex_bg,inline_data,sparse_super,huge_file,metadata_csum"},
		{"genext2fs", "ext2", ""},
		{"small-ext2", "ext2", "filetype,sparse_super"},
		{"small-ext4", "ext4", "filetype,extent,64bit,flex_bg,inline_data,sparse_super,huge_file,metadata_csum"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := sinktest.Fixture(t, tc.name+".img.gz")
			s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.End != int64(len(img)) || end != c.End {
				t.Errorf("chunk end %d, extract end %d, want %d", c.End, end, len(img))
			}
			if c.Attrs["ext.version"] != tc.version || c.Attrs["ext.features"] != tc.features {
				t.Errorf("attrs %v", c.Attrs)
			}
			if len(s.Notes) != 1 {
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

// metaSink keeps the Meta of every entry, to check what .tree files leave
// out: times, device numbers, hard links.
type metaSink struct {
	*sinktest.Sink
	mu    sync.Mutex
	meta  map[string]extractors.Meta
	links map[string]string
}

func (m *metaSink) put(n string, x extractors.Meta) {
	m.mu.Lock()
	m.meta[n] = x
	m.mu.Unlock()
}
func (m *metaSink) Dir(n string, x extractors.Meta) error { m.put(n, x); return m.Sink.Dir(n, x) }
func (m *metaSink) Special(n string, x extractors.Meta) error {
	m.put(n, x)
	return m.Sink.Special(n, x)
}
func (m *metaSink) File(n string, x extractors.Meta, r io.Reader) error {
	m.put(n, x)
	return m.Sink.File(n, x, r)
}
func (m *metaSink) Hardlink(n, target string) error {
	m.links[n] = target
	return m.Sink.Hardlink(n, target)
}

func TestMeta(t *testing.T) {
	for _, name := range []string{"ext2-1k", "ext4-4k", "genext2fs"} {
		img := sinktest.Fixture(t, name+".img.gz")
		r := bytes.NewReader(img)
		c, err := Handler{}.Identify(r, 0, int64(len(img)))
		if err != nil {
			t.Fatal(err)
		}
		s := &metaSink{Sink: sinktest.NewSink(false), meta: map[string]extractors.Meta{}, links: map[string]string{}}
		if _, err := (Handler{}).Extract(context.Background(), r, c, s); err != nil {
			t.Fatal(err)
		}
		// gen.sh stamps every source entry with this time.
		want := time.Unix(1600000000, 0).UTC()
		for _, p := range []string{"etc/init.d/rcS", "usr/share/doc", "dev/console", "sparse"} {
			if !s.meta[p].MTime.Equal(want) {
				t.Errorf("%s: %s mtime %v", name, p, s.meta[p].MTime)
			}
		}
		// genext2fs keeps only the old 16-bit number of 300,70000, as
		// debugfs stat shows (44:112).
		big := [2]uint32{300, 70000}
		if name == "genext2fs" {
			big = [2]uint32{44, 112}
		}
		for p, dev := range map[string][2]uint32{"dev/console": {5, 1}, "dev/mtdblock0": {31, 0}, "dev/big": big} {
			if m := s.meta[p]; m.Major != dev[0] || m.Minor != dev[1] {
				t.Errorf("%s: %s is %d,%d", name, p, m.Major, m.Minor)
			}
		}
		if len(s.links) != 1 || (s.links["etc/passwd.hard"] != "etc/passwd" && s.links["etc/passwd"] != "etc/passwd.hard") {
			t.Errorf("%s: hard links %v", name, s.links)
		}
	}
}
