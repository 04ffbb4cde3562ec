package squashfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// recorder is a sinktest.Sink that also keeps the Meta and hard links the
// tree format leaves out.
type recorder struct {
	*sinktest.Sink
	mu    sync.Mutex
	meta  map[string]extractors.Meta
	links map[string]string
}

func newRecorder() *recorder {
	return &recorder{Sink: sinktest.NewSink(true), meta: map[string]extractors.Meta{}, links: map[string]string{}}
}

func (r *recorder) note(name string, m extractors.Meta) {
	r.mu.Lock()
	r.meta[name] = m
	r.mu.Unlock()
}

func (r *recorder) Dir(name string, m extractors.Meta) error {
	r.note(name, m)
	return r.Sink.Dir(name, m)
}
func (r *recorder) File(name string, m extractors.Meta, rd io.Reader) error {
	r.note(name, m)
	return r.Sink.File(name, m, rd)
}
func (r *recorder) Symlink(name, target string, m extractors.Meta) error {
	r.note(name, m)
	return r.Sink.Symlink(name, target, m)
}
func (r *recorder) Special(name string, m extractors.Meta) error {
	r.note(name, m)
	return r.Sink.Special(name, m)
}
func (r *recorder) Hardlink(name, target string) error {
	r.mu.Lock()
	r.links[name] = target
	r.mu.Unlock()
	return r.Sink.Hardlink(name, target)
}

func extract(t testing.TB, file string, sink extractors.Sink) (extractors.Chunk, int64, error) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(b)
	c, err := Handler{}.Identify(r, 0, int64(len(b)))
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	end, err := Handler{}.Extract(ctx, r, c, sink)
	if ctx.Err() != nil {
		t.Fatalf("Extract ran into the deadline")
	}
	return c, end, err
}

// Every compressor and layout option of mksquashfs 4.5.1, against the tree
// unsquashfs extracted from the same images.
func TestFixtures(t *testing.T) {
	want, err := sinktest.ReadTree("testdata/expected.tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, info string }{
		{"gzip", "squashfs 4.0 gzip, 321 inodes"},
		{"lzma", "squashfs 4.0 lzma, 321 inodes"},
		{"lzo", "squashfs 4.0 lzo, 321 inodes"},
		{"lz4", "squashfs 4.0 lz4, 321 inodes"},
		{"lz4hc", "squashfs 4.0 lz4, 321 inodes"},
		{"xz", "squashfs 4.0 xz, 321 inodes"},
		{"xz-bcj", "squashfs 4.0 xz, 321 inodes"},
		{"zstd", "squashfs 4.0 zstd, 321 inodes"},
		{"tailends", "squashfs 4.0 gzip, 321 inodes"},
		{"nofrag", "squashfs 4.0 zstd, 321 inodes"},
		{"uncompressed", "squashfs 4.0 gzip, 321 inodes"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rec := extractFixture(t, tc.file, tc.info)
			for _, d := range (sinktest.Compare{Hardlinks: true}).Diff(rec.List(), want) {
				t.Error(d)
			}
			if len(rec.links) != 1 || rec.links["bin/tool-link"] != "bin/tool" {
				t.Errorf("hard links %v, want bin/tool-link → bin/tool", rec.links)
			}
			if m := rec.meta["dev/console"]; m.Major != 5 || m.Minor != 1 {
				t.Errorf("dev/console %d:%d, want 5:1", m.Major, m.Minor)
			}
			if m := rec.meta["dev/sda"]; m.Major != 8 || m.Minor != 0 {
				t.Errorf("dev/sda %d:%d, want 8:0", m.Major, m.Minor)
			}
			if m := rec.meta["etc/passwd"]; m.MTime.Unix() != 1600000000 || m.UID != 1000 || m.GID != 100 {
				t.Errorf("etc/passwd meta %+v", m)
			}
			if m := rec.meta["etc/hosts"]; m.MTime.Unix() != 1234567891 {
				t.Errorf("etc/hosts mtime %v", m.MTime)
			}
		})
	}
}

func wantFormatError(t *testing.T, err error, msg string) {
	t.Helper()
	var fe *extractors.FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), msg) {
		t.Errorf("err = %v, want a FormatError with %q", err, msg)
	}
}

// Mutants of uncompressed.sqfs, one field each (see gen.sh).
func TestHostile(t *testing.T) {
	t.Run("traversal", func(t *testing.T) {
		rec := newRecorder()
		if _, _, err := extract(t, "testdata/traversal.sqfs", rec); err != nil {
			t.Errorf("Extract: %v", err)
		}
		for p := range rec.Entries {
			if strings.Contains(p, "..") {
				t.Errorf("escaped: %q", p)
			}
		}
		if len(rec.Refused) == 0 || !strings.Contains(strings.Join(rec.Refused, " "), "a/..") {
			t.Errorf("refused %q, want a/.. among them", rec.Refused)
		}
		if rec.Entries["etc/passwd"] == nil {
			t.Error("etc/passwd missing")
		}
	})
	t.Run("loop", func(t *testing.T) {
		rec := newRecorder()
		_, _, err := extract(t, "testdata/loop.sqfs", rec)
		wantFormatError(t, err, "directory loop")
		if rec.Entries["etc/passwd"] == nil || rec.Entries["a/loop/etc"] != nil {
			t.Errorf("entries after the loop: %d", len(rec.Entries))
		}
	})
	t.Run("hugelink", func(t *testing.T) {
		rec := newRecorder()
		_, _, err := extract(t, "testdata/hugelink.sqfs", rec)
		wantFormatError(t, err, "symlink target of")
		if rec.Entries["etc/hosts"] != nil || rec.Entries["etc/passwd"] == nil {
			t.Error("wrong entries kept")
		}
	})
	t.Run("hugefile", func(t *testing.T) {
		rec := newRecorder()
		_, _, err := extract(t, "testdata/hugefile.sqfs", rec)
		wantFormatError(t, err, "")
		if rec.Entries["etc/multi.txt"] != nil || rec.Entries["etc/passwd"] == nil {
			t.Error("wrong entries kept")
		}
	})
	t.Run("hugedir", func(t *testing.T) {
		rec := newRecorder()
		extract(t, "testdata/hugedir.sqfs", rec) // must end; what it reads past the listing is junk
		if rec.Entries["etc/passwd"] == nil {
			t.Error("etc/passwd missing")
		}
	})
	t.Run("hugecount", func(t *testing.T) {
		rec := newRecorder()
		c, _, err := extract(t, "testdata/hugecount.sqfs", rec)
		if err != nil || c.Info != "squashfs 4.0 gzip, 4294967295 inodes" || len(rec.List()) != 321 {
			t.Errorf("err %v, info %q, %d entries", err, c.Info, len(rec.List()))
		}
	})
}

// Truncated copies keep what lies before the cut and report where it broke.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"uncompressed", "gzip", "xz"} {
		b, err := os.ReadFile("testdata/" + name + ".sqfs")
		if err != nil {
			t.Fatal(err)
		}
		full, _ := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		for cut := int64(0); cut < full.End; cut += 211 {
			r := bytes.NewReader(b[:cut])
			c, err := Handler{}.Identify(r, 0, cut)
			if err != nil {
				if cut >= superSize4 {
					t.Fatalf("%s cut at %d: Identify: %v", name, cut, err)
				}
				continue
			}
			if c.End != cut || c.Confidence != extractors.Low {
				t.Errorf("%s cut at %d: chunk %+v", name, cut, c)
			}
			sink := sinktest.NewSink(false)
			_, err = Handler{}.Extract(context.Background(), r, c, sink)
			wantFormatError(t, err, "")
		}
	}
}

func TestNotSquashfs(t *testing.T) {
	b, _ := os.ReadFile("testdata/gzip.sqfs")
	for _, mut := range []func([]byte){
		func(b []byte) { b[28] = 5 },                // version 5.0
		func(b []byte) { b[12], b[13] = 0x10, 0x0 }, // block size no longer matches block_log
		func(b []byte) { b[20] = 9 },                // compressor 9
		func(b []byte) { b[70] = 0x7F },             // inode table past the directory table
	} {
		c := bytes.Clone(b)
		mut(c)
		if _, err := (Handler{}).Identify(bytes.NewReader(c), 0, int64(len(c))); !errors.Is(err, extractors.ErrNotFormat) {
			t.Errorf("Identify: %v, want ErrNotFormat", err)
		}
	}
}

// extractFixture extracts testdata/NAME.sqfs, checks its Info and that it
// ends at bytes_used (mksquashfs pads to 4 KiB), and returns what it wrote.
func extractFixture(t *testing.T, name, info string) *recorder {
	t.Helper()
	file := "testdata/" + name + ".sqfs"
	rec := newRecorder()
	c, end, err := extract(t, file, rec)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.Info != info {
		t.Errorf("Info = %q, want %q", c.Info, info)
	}
	fi, _ := os.Stat(file)
	if end != c.End || end > fi.Size() || end <= fi.Size()-4096 {
		t.Errorf("end %d, chunk end %d, file %d", end, c.End, fi.Size())
	}
	return rec
}
