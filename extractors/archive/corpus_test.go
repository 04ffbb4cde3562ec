package archive_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/archive"
	"github.com/fwstar/fwstar/extractors/compress"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/enginetest"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// extract runs the real engine with handlers over img.
func extract(t testing.TB, img string, limits engine.Limits, hs ...extractors.Handler) (*engine.Manifest, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	m, err := engine.New(hs, limits).Extract(context.Background(), img, out)
	if err != nil {
		t.Fatal(err)
	}
	return m, out
}

// chunks returns the manifest's chunks of a format.
func chunks(m *engine.Manifest, format string) []*engine.Chunk {
	var out []*engine.Chunk
	for _, c := range m.Chunks {
		if c.Format == format {
			out = append(out, c)
		}
	}
	return out
}

// The Debian installer initrd: gzip, then cpio newc. Every entry equals what
// `gzip -dc | cpio -idm` run as root gives, owners and modes included.
func TestCorpusKirkwood(t *testing.T) {
	img := samples.Corpus(t, "debian12-kirkwood-initrd.gz")
	m, _ := extract(t, img, engine.DefaultLimits(), archive.CPIO{}, compress.Gzip{})
	cs := chunks(m, "cpio")
	if len(cs) != 1 || cs[0].Error != "" {
		t.Fatalf("cpio chunks %+v", cs)
	}
	if cs[0].Layer != "debian12-kirkwood-initrd.gz@0x0:gzip/debian12-kirkwood-initrd@0x0:cpio" {
		t.Errorf("layer %s", cs[0].Layer)
	}
	want, err := sinktest.ReadTree("testdata/debian12-kirkwood-initrd.tree")
	if err != nil {
		t.Fatal(err)
	}
	got := enginetest.Tree(cs[0])
	if d := (sinktest.Compare{Hardlinks: true}).Diff(got, want); len(d) > 0 {
		t.Errorf("differs from cpio -idm:\n%s", strings.Join(d, "\n"))
	}
	n := map[string]int{}
	for _, e := range got {
		n[e.Type]++
	}
	if n["file"]+n["hardlink"] != 748 || n["symlink"] != 300 {
		t.Errorf("counts %v, want 748 files and 300 symlinks", n)
	}
	// The blob is the whole cpio archive: nothing unclaimed after it.
	for _, c := range m.Chunks {
		if c.Kind == engine.KindUnknown && c.Parent == "debian12-kirkwood-initrd.gz@0x0:gzip/debian12-kirkwood-initrd" {
			t.Errorf("unclaimed %s, %d bytes", c.Layer, c.Size)
		}
	}
}

// The LicheePi Nano root file system as a tar: every entry as `tar -xpf` gives it.
func TestCorpusLicheepiTar(t *testing.T) {
	img := samples.Corpus(t, "licheepi-nano-rootfs.tar")
	m, _ := extract(t, img, engine.DefaultLimits(), archive.Tar{})
	cs := chunks(m, "tar")
	if len(cs) != 1 || cs[0].Error != "" || cs[0].Size != 2078720 {
		t.Fatalf("tar chunks %+v", cs)
	}
	want, err := sinktest.ReadTree("testdata/licheepi-nano-rootfs.tree")
	if err != nil {
		t.Fatal(err)
	}
	if d := (sinktest.Compare{Hardlinks: true}).Diff(enginetest.Tree(cs[0]), want); len(d) > 0 {
		t.Errorf("differs from tar -x:\n%s", strings.Join(d, "\n"))
	}
}

// The D-Link DIR-612 zip: four vendor blobs, and the engine finds the LZMA
// chunks inside them.
func TestCorpusDlinkZip(t *testing.T) {
	img := samples.Corpus(t, "dlink-dir612b1-fw201.zip")
	m, _ := extract(t, img, engine.DefaultLimits(), archive.Zip{}, compress.LZMA{})
	zs := chunks(m, "zip")
	if len(zs) != 1 || zs[0].Size != 2928755 || zs[0].Error != "" {
		t.Fatalf("zip chunks %+v", zs)
	}
	files := 0
	for _, e := range zs[0].Entries {
		if e.Type == engine.TypeFile {
			files++
			t.Logf("%s %d bytes", e.Path, e.Size)
		}
	}
	if files != 4 {
		t.Errorf("%d files, want 4", files)
	}
	inner := map[string]int{}
	for _, c := range chunks(m, "lzma") {
		inner[c.Parent]++
		if c.Error != "" {
			t.Errorf("%s: %s", c.Layer, c.Error)
		}
	}
	if len(inner) != 4 {
		t.Errorf("LZMA chunks by blob: %v, want chunks in all four", inner)
	}
	t.Logf("LZMA chunks by blob: %v", inner)
}

// BenchmarkExtractKirkwood runs the engine with gzip and cpio on the 12 MB
// initrd (compare: gzip -dc | cpio -idm).
func BenchmarkExtractKirkwood(b *testing.B) {
	img := samples.Corpus(b, "debian12-kirkwood-initrd.gz")
	e := engine.New([]extractors.Handler{archive.CPIO{}, compress.Gzip{}}, engine.DefaultLimits())
	for b.Loop() {
		out, err := os.MkdirTemp("", "kw")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Extract(context.Background(), img, out); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(out)
	}
}

// BenchmarkKirkwoodHandlers is the handlers' share of the above: gzip decoded
// to an in-memory sink, then the cpio walked with every file hashed.
func BenchmarkKirkwoodHandlers(b *testing.B) {
	img := samples.Corpus(b, "debian12-kirkwood-initrd.gz")
	f, err := os.Open(img)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	for b.Loop() {
		c, err := compress.Gzip{}.Identify(f, 0, fi.Size())
		if err != nil {
			b.Fatal(err)
		}
		s := sinktest.NewSink(true)
		if _, err := (compress.Gzip{}).Extract(context.Background(), f, c, s); err != nil {
			b.Fatal(err)
		}
		blob := s.Content["debian12-kirkwood-initrd"]
		r := bytes.NewReader(blob)
		if c, err = (archive.CPIO{}).Identify(r, 0, int64(len(blob))); err != nil {
			b.Fatal(err)
		}
		if _, err := (archive.CPIO{}).Extract(context.Background(), r, c, sinktest.NewSink(false)); err != nil {
			b.Fatal(err)
		}
	}
}
