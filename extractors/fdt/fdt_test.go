package fdt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func run(t *testing.T, file string) (extractors.Chunk, *sinktest.Sink, int64, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReader(string(b))
	c, err := Handler{}.Identify(r, 0, int64(len(b)))
	if err != nil {
		return c, nil, int64(len(b)), err
	}
	s := sinktest.NewSink(true)
	end, err := Handler{}.Extract(context.Background(), r, c, s)
	if err == nil && end != c.End {
		t.Errorf("Extract end %d, chunk end %d", end, c.End)
	}
	return c, s, int64(len(b)), err
}

// blobsAsFiles lists the sink with blobs typed as files, as dumpimage writes them.
func blobsAsFiles(s *sinktest.Sink) []sinktest.Entry {
	l := s.List()
	for i := range l {
		if l[i].Type == "blob" {
			l[i].Type = "file"
		}
	}
	return l
}

func TestFIT(t *testing.T) {
	tests := []struct {
		file   string
		notes  map[string]string
		images string
	}{
		{"unsigned.fit", map[string]string{"fit.signed": "no", "fit.image.kernel-1.hash": "crc32 ok, sha256 ok",
			"fit.image.ramdisk-1.hash": "sha1 ok", "fit.image.fdt-1.hash": "sha256 ok"}, "3"},
		{"external.fit", map[string]string{"fit.signed": "no", "fit.image.kernel-1.hash": "crc32 ok, sha256 ok"}, "3"},
		{"signed.fit", map[string]string{"fit.signed": "yes", "fit.signature.algo": "sha256,rsa2048",
			"fit.signature.key-name-hint": "dev", "fit.signature.nodes": "configurations/conf-1",
			"fit.image.kernel-1.hash": "crc32 ok, sha256 ok"}, "3"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, s, size, err := run(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if c.End != size {
				t.Errorf("chunk ends at %d of %d", c.End, size)
			}
			want := map[string]string{"fit.images": tt.images, "fit.description": "fwstar FIT fixture", "fit.default": "conf-1",
				"fit.image.kernel-1.type": "kernel", "fit.image.kernel-1.arch": "arm", "fit.image.kernel-1.compression": "gzip",
				"fit.image.kernel-1.size": "5143", "fit.image.fdt-1.type": "flat_dt", "fit.image.ramdisk-1.type": "ramdisk"}
			for k, v := range want {
				if c.Attrs[k] != v {
					t.Errorf("attr %s = %q, want %q", k, c.Attrs[k], v)
				}
			}
			for k, v := range tt.notes {
				if s.Notes[k] != v {
					t.Errorf("note %s = %q, want %q", k, s.Notes[k], v)
				}
			}
			ref, err := sinktest.ReadTree(filepath.Join("testdata", tt.file+".tree"))
			if err != nil {
				t.Fatal(err)
			}
			if d := (sinktest.Compare{IgnoreOwner: true}).Diff(blobsAsFiles(s), ref); len(d) > 0 {
				t.Errorf("tree differs from dumpimage's:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

func TestDTB(t *testing.T) {
	c, s, size, err := run(t, "board.dtb")
	if err != nil {
		t.Fatal(err)
	}
	if c.End != size || c.Attrs["fdt.model"] != "fwstar test board" || c.Attrs["fdt.compatible"] != "fwstar,test-board,fwstar,test" {
		t.Errorf("chunk [0,%d) of %d, attrs %v", c.End, size, c.Attrs)
	}
	if len(s.List()) != 0 {
		t.Errorf("a plain DTB wrote %v", s.List())
	}
	// The control DTB that mkimage -K wrote the public key into.
	c, _, _, err = run(t, "control-with-key.dtb")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Attrs["fdt.signature.keys"]; got != "key-dev (sha256,rsa2048, required conf)" {
		t.Errorf("signature keys %q", got)
	}
}

func TestHostile(t *testing.T) {
	for _, file := range []string{"evil-totalsize.fit", "evil-struct-offset.fit", "evil-truncated.fit", "evil-deep.dtb"} {
		if _, _, _, err := run(t, file); !errors.Is(err, extractors.ErrNotFormat) {
			t.Errorf("%s: err %v, want ErrNotFormat", file, err)
		}
	}
	// A data-size past the end and data that points back into the tree are
	// refused per image; the others are still carved.
	for _, tt := range []struct{ file, note string }{
		{"evil-datasize.fit", "data 0x"},
		{"evil-selfref.fit", "data at 0x0 inside the tree"},
	} {
		_, s, _, err := run(t, tt.file)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if got := s.Notes["fit.image.kernel-1.data"]; !strings.HasPrefix(got, tt.note) {
			t.Errorf("%s: note %q, want %q", tt.file, got, tt.note)
		}
		if _, ok := s.Entries["kernel-1"]; ok {
			t.Errorf("%s: kernel-1 carved", tt.file)
		}
		if _, ok := s.Entries["ramdisk-1"]; !ok {
			t.Errorf("%s: ramdisk-1 not carved", tt.file)
		}
	}
}
