package squashfs

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// oldFixtures are the images of the real mksquashfs 3.0, 3.2-r2 and 3.3 (built
// from squashfs-tools' history by oldtools.sh), all of one source tree.
var oldFixtures = []struct{ file, info string }{
	{"v30-le", "squashfs 3.0 zlib, 330 inodes"},
	{"v30-be", "squashfs 3.0 zlib big-endian, 330 inodes"},
	{"v30-le-raw", "squashfs 3.0 zlib, 330 inodes"},
	{"v32-le", "squashfs 3.0 zlib, 330 inodes"},
	{"v32-be", "squashfs 3.0 zlib big-endian, 330 inodes"},
	{"v32-be-check", "squashfs 3.0 zlib big-endian, 330 inodes"},
	{"v33-le", "squashfs 3.1 zlib, 330 inodes"},
	{"v33-be", "squashfs 3.1 zlib big-endian, 330 inodes"},
	{"v33-be-128k", "squashfs 3.1 zlib big-endian, 330 inodes"},
}

// checkOldMeta checks what the tree format leaves out: hard links, device
// numbers, mtimes (every 3.x inode has its own) and owners.
func checkOldMeta(t *testing.T, links map[string]string, meta func(string) extractors.Meta) {
	t.Helper()
	if len(links) != 1 || links["bin/tool-link"] != "bin/tool" {
		t.Errorf("hard links %v, want bin/tool-link → bin/tool", links)
	}
	for name, dev := range map[string][2]uint32{"dev/console": {5, 1}, "dev/sda": {8, 0}, "dev/ttyS0": {4, 64}} {
		if m := meta(name); m.Major != dev[0] || m.Minor != dev[1] {
			t.Errorf("%s %d:%d, want %d:%d", name, m.Major, m.Minor, dev[0], dev[1])
		}
	}
	for name, mtime := range map[string]int64{"etc/hosts": 1234567891, "etc/multi.txt": 1234567893,
		"dev/console": 1234567894, "dev/initctl": 1600000000, "usr/share/doc/pkg": 1600000000,
		"etc/services": 3000000000} {
		if m := meta(name); m.MTime.Unix() != mtime {
			t.Errorf("%s mtime %d, want %d", name, m.MTime.Unix(), mtime)
		}
	}
	if m := meta("etc/passwd"); m.UID != 1000 || m.GID != 100 {
		t.Errorf("etc/passwd owner %d:%d, want 1000:100", m.UID, m.GID)
	}
}

func TestOldFixtures(t *testing.T) {
	want, err := sinktest.ReadTree("testdata/v3.tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range oldFixtures {
		t.Run(tc.file, func(t *testing.T) {
			rec := extractFixture(t, tc.file, tc.info)
			if got := rec.List(); len(got) != len(want) {
				t.Errorf("%d entries, want %d", len(got), len(want))
			}
			for _, d := range (sinktest.Compare{Hardlinks: true}).Diff(rec.List(), want) {
				t.Error(d)
			}
			checkOldMeta(t, rec.links, func(name string) extractors.Meta { return rec.meta[name] })
		})
	}
}

// Cuts through every table of the old images end in a FormatError.
func TestOldTruncated(t *testing.T) {
	for _, tc := range oldFixtures {
		b, err := os.ReadFile("testdata/" + tc.file + ".sqfs")
		if err != nil {
			t.Fatal(err)
		}
		full, _ := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		for cut := int64(superSize3); cut < full.End; cut += 97 {
			r := bytes.NewReader(b[:cut])
			c, err := Handler{}.Identify(r, 0, cut)
			if err != nil {
				t.Fatalf("%s cut at %d: Identify: %v", tc.file, cut, err)
			}
			if c.End != cut || c.Confidence != extractors.Low {
				t.Errorf("%s cut at %d: chunk %+v", tc.file, cut, c)
			}
			sink := sinktest.NewSink(false)
			_, err = Handler{}.Extract(context.Background(), r, c, sink)
			wantFormatError(t, err, "")
		}
	}
}
