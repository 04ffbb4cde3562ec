package jffs2

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// The LicheePi Nano root file system ships both as JFFS2 and as a tar; the
// tree listing of the tar's extraction (tar -x as root) is the reference.
func TestCorpusLicheePi(t *testing.T) {
	img := samples.Corpus(t, "licheepi-nano-rootfs.jffs2")
	s, c, end, err := sinktest.ExtractFile(t, Handler{}, img, true)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.Attrs["jffs2.endian"] != "LittleEndian" || end != 928376 {
		t.Errorf("endian %s end %d, want LittleEndian 928376", c.Attrs["jffs2.endian"], end)
	}
	if s.Notes["jffs2.erase_size"] != "131072" || s.Notes["jffs2.bad_nodes"] != "" {
		t.Errorf("notes %v", s.Notes)
	}
	want, err := sinktest.ReadTree(filepath.Join("testdata", "licheepi-nano-rootfs.tree"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range (sinktest.Compare{Hardlinks: true}).Diff(s.List(), want) {
		t.Error(d)
	}
	var files, links int
	for _, e := range s.List() {
		switch e.Type {
		case "file":
			files++
		case "symlink":
			links++
		}
	}
	if files != 34 || links != 297 {
		t.Errorf("%d files, %d symlinks; want 34 and 297", files, links)
	}
	if !bytes.Contains(s.Content["bin/busybox"], []byte("BusyBox v1.33.0")) {
		t.Error("bin/busybox lacks its version string")
	}
}

func BenchmarkLicheePi(b *testing.B) {
	img := samples.Corpus(b, "licheepi-nano-rootfs.jffs2")
	for b.Loop() {
		if _, _, _, err := sinktest.ExtractFile(b, Handler{}, img, true); err != nil {
			b.Fatal(err)
		}
	}
}
