package android

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func run(t *testing.T, h extractors.Handler, file string) (extractors.Chunk, *sinktest.Sink, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(b)
	c, err := h.Identify(r, 0, int64(len(b)))
	if err != nil {
		return c, nil, err
	}
	if c.End != int64(len(b)) {
		t.Errorf("chunk ends at %d of %d", c.End, len(b))
	}
	s := sinktest.NewSink(false)
	end, err := h.Extract(context.Background(), r, c, s)
	if err == nil && end != c.End {
		t.Errorf("Extract end %d, chunk end %d", end, c.End)
	}
	return c, s, err
}

// compareTree checks the sink against the reference tool's listing, blobs
// counted as the files the tool wrote.
func compareTree(t *testing.T, s *sinktest.Sink, file string) {
	t.Helper()
	want, err := sinktest.ReadTree(filepath.Join("testdata", file+".tree"))
	if err != nil {
		t.Fatal(err)
	}
	got := s.List()
	for i := range got {
		got[i].Type = "file"
	}
	if d := (sinktest.Compare{IgnoreOwner: true}).Diff(got, want); len(d) > 0 {
		t.Errorf("differs from the reference:\n%s", strings.Join(d, "\n"))
	}
}

// Sections as unpack_bootimg extracts them; header fields as mkbootimg was told.
func TestBootImages(t *testing.T) {
	tests := []struct {
		file  string
		attrs map[string]string
	}{
		{"boot-v0.img", map[string]string{"android.header_version": "0", "android.page_size": "2048", "android.name": "fwstar",
			"android.cmdline": "console=ttyMSM0 androidboot.hardware=fwstar", "android.os_version": "10.0.0", "android.os_patch_level": "2023-11"}},
		{"boot-v1.img", map[string]string{"android.header_version": "1", "android.page_size": "4096"}},
		{"boot-v2.img", map[string]string{"android.header_version": "2", "android.dtb_size": "106"}},
		{"boot-v3.img", map[string]string{"android.header_version": "3", "android.os_version": "11.0.0", "android.cmdline": "console=ttyMSM0"}},
		{"boot-v4.img", map[string]string{"android.header_version": "4"}},
		{"vendor_boot-v3.img", map[string]string{"android.kind": "vendor_boot", "android.header_version": "3",
			"android.cmdline": "androidboot.hw=fwstar", "android.name": "fwstar"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, s, err := run(t, BootImage{}, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.attrs {
				if c.Attrs[k] != v {
					t.Errorf("attr %s = %q, want %q", k, c.Attrs[k], v)
				}
			}
			compareTree(t, s, tt.file)
		})
	}
}

// The expanded image equals simg2img's output.
func TestSparse(t *testing.T) {
	c, s, err := run(t, Sparse{}, "ext4.simg")
	if err != nil {
		t.Fatal(err)
	}
	if c.Attrs["sparse.blocks"] != "512" || c.Attrs["sparse.block_size"] != "4096" {
		t.Errorf("attrs %v", c.Attrs)
	}
	compareTree(t, s, "ext4.simg")
}

func TestHostile(t *testing.T) {
	for _, tt := range []struct {
		h    extractors.Handler
		file string
	}{{Sparse{}, "evil-chunks.simg"}, {Sparse{}, "evil-chunksize.simg"}, {BootImage{}, "evil-kernelsize.img"}} {
		if _, _, err := run(t, tt.h, tt.file); !errors.Is(err, extractors.ErrNotFormat) {
			t.Errorf("%s: %v, want ErrNotFormat", tt.file, err)
		}
	}
}

func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 && !strings.HasSuffix(p, ".tree") {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		for _, h := range []extractors.Handler{Sparse{}, BootImage{}} {
			c, err := h.Identify(r, 0, int64(len(b)))
			if err != nil {
				continue
			}
			if c.End <= 0 || c.End > int64(len(b)) {
				t.Fatalf("%s: bad chunk [0,%d) of %d", h.Name(), c.End, len(b))
			}
			s := sinktest.NewSink(false)
			s.MaxBytes = 1 << 20
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			h.Extract(ctx, r, c, s)
			cancel()
		}
	})
}
