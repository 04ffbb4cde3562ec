package engine_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/engine"
)

func extract(t *testing.T, blob []byte, l engine.Limits) (*engine.Manifest, string) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "fw.bin")
	if err := os.WriteFile(in, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	m, err := engine.New(engine.Handlers(), l).Extract(context.Background(), in, out)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Chunks {
		if strings.Contains(c.Error, "BUG:") {
			t.Fatalf("panic in a handler: %s", c.Error)
		}
	}
	return m, dir
}

// onlyOut fails if anything but fw.bin and out/ exists in dir.
func onlyOut(t *testing.T, dir string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		if e.Name() != "fw.bin" && e.Name() != "out" {
			t.Errorf("written outside the output root: %s", e.Name())
		}
	}
}

func tarball(t *testing.T, hdrs ...*tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Name))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(h.Name))
		}
	}
	tw.Close()
	return b.Bytes()
}

func TestTraversalAndSymlinkEscapeAreConfined(t *testing.T) {
	blob := tarball(t,
		&tar.Header{Name: "ok.txt", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "../../escape.txt", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "/abs.txt", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "link", Typeflag: tar.TypeSymlink, Linkname: "/", Mode: 0o777},
		&tar.Header{Name: "link/tmp/through-link.txt", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "up", Typeflag: tar.TypeSymlink, Linkname: "../..", Mode: 0o777},
		&tar.Header{Name: "up/through-up.txt", Typeflag: tar.TypeReg, Mode: 0o644},
	)
	m, dir := extract(t, blob, engine.DefaultLimits())
	onlyOut(t, dir)
	if _, err := os.Stat("/tmp/through-link.txt"); err == nil {
		t.Fatal("a file was written through a symlink to /")
	}
	var entries []string
	problems := 0
	for _, c := range m.Chunks {
		for _, e := range c.Entries {
			entries = append(entries, e.Path+":"+e.Type)
		}
		problems += len(c.Problems)
	}
	got := strings.Join(entries, " ")
	for _, want := range []string{"ok.txt:file", "abs.txt:file", "link:symlink", "up:symlink"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
	if strings.Contains(got, "escape") || strings.Contains(got, "through") {
		t.Errorf("a refused entry was recorded: %s", got)
	}
	if problems < 3 {
		t.Errorf("%d refusals recorded, want at least 3 (traversal, two writes through links)", problems)
	}
	// No regular file inside the root is reached through a symlink.
	filepath.WalkDir(filepath.Join(dir, "out"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink == 0 && !d.IsDir() {
			if real, _ := filepath.EvalSymlinks(p); !strings.HasPrefix(real, filepath.Join(dir, "out")) {
				t.Errorf("%s resolves outside the root", p)
			}
		}
		return nil
	})
}

// zeros compresses n zero bytes with gzip.
func zeros(t *testing.T, n int64) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := io.CopyN(zw, zeroReader{}, n); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.Bytes()
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestBombStopsAtBudgetAndTheRestIsKept(t *testing.T) {
	bomb := zeros(t, 512<<20) // 512 MiB of zeros in about 500 KiB
	after := tarball(t, &tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644})
	l := engine.DefaultLimits()
	l.RatioFloor, l.Ratio = 8<<20, 50
	start := time.Now()
	m, dir := extract(t, append(bomb, after...), l)
	onlyOut(t, dir)
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("bomb took %s", d)
	}
	var bombRec, tarRec *engine.Chunk
	for _, c := range m.Chunks {
		switch c.Format {
		case "gzip":
			bombRec = c
		case "tar":
			tarRec = c
		}
	}
	if bombRec == nil || bombRec.Limit != "ratio" {
		t.Fatalf("the bomb did not stop on the ratio budget: %+v", bombRec)
	}
	var written int64
	filepath.WalkDir(filepath.Join(dir, "out"), func(p string, d fs.DirEntry, err error) error {
		if fi, e := d.Info(); e == nil && fi.Mode().IsRegular() {
			written += fi.Size()
		}
		return nil
	})
	if max := int64(l.Ratio*float64(len(bomb))) + 8<<20 + 1<<20; written > max {
		t.Errorf("wrote %d bytes, budget allows %d", written, max)
	}
	if tarRec == nil {
		t.Error("the tar after the bomb was lost")
	}
}

// TestBudgetCutIsExact: a stream cut by a budget ends at the budget's byte,
// whatever the sizes of the writes that carried it.
func TestBudgetCutIsExact(t *testing.T) {
	bomb := zeros(t, 64<<20)
	for _, tt := range []struct {
		limit string
		set   func(*engine.Limits)
		want  int64
	}{
		{"file-bytes", func(l *engine.Limits) { l.FileBytes = 1<<20 + 123 }, 1<<20 + 123},
		{"bytes", func(l *engine.Limits) { l.TotalBytes = 3<<20 + 5 }, 3<<20 + 5},
		{"ratio", func(l *engine.Limits) { l.RatioFloor, l.Ratio = 2<<20+7, 2 }, 2<<20 + 7},
	} {
		l := engine.DefaultLimits()
		tt.set(&l)
		m, _ := extract(t, bomb, l)
		var got *engine.Chunk
		for _, c := range m.Chunks {
			if c.Format == "gzip" {
				got = c
			}
		}
		if got == nil || got.Limit != tt.limit || len(got.Entries) != 1 || got.Entries[0].Size != tt.want {
			t.Errorf("%s: %+v, want one blob of %d bytes cut by the budget", tt.limit, got, tt.want)
		}
	}
}

func TestUnknownAndPadding(t *testing.T) {
	noise := make([]byte, 4096)
	rand.Read(noise)
	pad := bytes.Repeat([]byte{0xFF}, 8192)
	gz := zeros(t, 1<<10)
	m, _ := extract(t, append(append(noise, pad...), gz...), engine.DefaultLimits())
	kinds := map[string]*engine.Chunk{}
	for _, c := range m.Chunks {
		if c.Parent == "fw.bin" {
			kinds[c.Kind+"@"+c.Format] = c
		}
	}
	u := kinds["unknown@"]
	if u == nil || u.Offset != 0 || u.Size != 4096 || u.Entropy < 7.5 {
		t.Errorf("unknown chunk: %+v", u)
	}
	p := kinds["padding@"]
	if p == nil || p.Offset != 4096 || p.Size != 8192 {
		t.Errorf("padding chunk: %+v", p)
	}
	g := kinds["known@gzip"]
	if g == nil || g.Offset != 4096+8192 || g.Size != int64(len(gz)) {
		t.Errorf("gzip chunk: %+v", g)
	}
}

func TestDepthLimit(t *testing.T) {
	b := zeros(t, 100)
	for range 8 {
		var nb bytes.Buffer
		zw := gzip.NewWriter(&nb)
		zw.Write(b)
		zw.Close()
		b = nb.Bytes()
	}
	l := engine.DefaultLimits()
	l.Depth = 4
	m, _ := extract(t, b, l)
	deepest, limited := 0, false
	for _, c := range m.Chunks {
		if n := strings.Count(c.Layer, "@0x"); n > deepest && c.Kind == engine.KindKnown {
			deepest = n
		}
		limited = limited || c.Limit == "depth"
	}
	if deepest > l.Depth+1 || !limited {
		t.Errorf("deepest chunk %d, depth limit recorded %v", deepest, limited)
	}
}

// tarFiles makes a tar of regular files and symlinks (a "->" in a name).
func tarFiles(t *testing.T, files ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		h := &tar.Header{Name: f[0], Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(f[1]))}
		if name, target, ok := strings.Cut(f[0], " -> "); ok {
			h = &tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(f[1]))
		}
	}
	tw.Close()
	return b.Bytes()
}

// A written file is read back only when the sink saw a magic in it while
// writing: one that straddles two writes must still be seen, and a name since
// replaced by a symlink must not be read through the link.
func TestWrittenFilesAreScannedWhenAMagicIsSeen(t *testing.T) {
	gz := string(zeros(t, 4096))
	straddle := strings.Repeat("\x00", 32<<10-1) + gz // the gzip magic spans the sink's 32 KiB copies
	blob := tarFiles(t,
		[2]string{"plain", strings.Repeat("no magic here ", 100)},
		[2]string{"straddle", straddle},
		[2]string{"y", gz},
		[2]string{"x", gz},
		[2]string{"x -> y", ""},
	)
	m, _ := extract(t, blob, engine.DefaultLimits())
	var nested []string
	for _, c := range m.Chunks {
		if c.Kind == engine.KindKnown && c.Format == "gzip" {
			nested = append(nested, c.Layer)
		}
	}
	got := strings.Join(nested, " ")
	for _, want := range []string{":tar/straddle@0x7FFF:gzip", ":tar/y@0x0:gzip"} {
		if !strings.Contains(got, want) {
			t.Errorf("no chunk %s in %s", want, got)
		}
	}
	if strings.Contains(got, ":tar/x@") || len(nested) != 2 {
		t.Errorf("want exactly the gzips in straddle and y, got %s", got)
	}
}

// A file with a magic is scanned while its chunk is still unpacked; when its
// name is written again, that scan is thrown away (its folders removed) and
// only the last write's scan stands, whichever finishes first.
func TestEarlyScanKeepsOnlyTheLastWrite(t *testing.T) {
	blob := tarFiles(t,
		[2]string{"a", string(zeros(t, 4096))},
		[2]string{"b", string(zeros(t, 1000))},
		[2]string{"a", string(zeros(t, 8192))},
	)
	for range 20 {
		m, dir := extract(t, blob, engine.DefaultLimits())
		sizes := map[string]int64{}
		dirs := map[string]bool{}
		for _, c := range m.Chunks {
			if c.Format == "gzip" {
				for _, e := range c.Entries {
					sizes[c.Layer] += e.Size
				}
			}
			if c.Dir != "" {
				dirs[c.Dir] = true
			}
		}
		want := map[string]int64{"fw.bin@0x0:tar/a@0x0:gzip": 8192, "fw.bin@0x0:tar/b@0x0:gzip": 1000}
		if !maps.Equal(sizes, want) {
			t.Fatalf("gzip chunks %v, want %v", sizes, want)
		}
		ents, err := os.ReadDir(filepath.Join(dir, "out"))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.IsDir() && !dirs[e.Name()] {
				t.Fatalf("folder %s left by a discarded scan", e.Name())
			}
		}
	}
}
