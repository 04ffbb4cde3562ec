package squashfs

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// extractAt identifies and extracts the squashfs at off of a corpus image.
func extractAt(t testing.TB, file string, off int64, keep bool) (extractors.Chunk, *sinktest.Sink, int64, error) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(b)
	c, err := Handler{}.Identify(r, off, int64(len(b)))
	if err != nil {
		t.Fatalf("Identify: %v", err)
	}
	sink := sinktest.NewSink(keep)
	end, err := Handler{}.Extract(context.Background(), r, c, sink)
	return c, sink, end, err
}

func count(es []sinktest.Entry, typ string) int {
	n := 0
	for _, e := range es {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func TestCorpusOpenWrt(t *testing.T) {
	img := samples.Corpus(t, "openwrt-15.05.1-tl-wr703n-factory.bin")
	c, sink, end, err := extractAt(t, img, 0x11B0A0, true)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.Info != "squashfs 4.0 xz, 1019 inodes" {
		t.Errorf("Info = %q", c.Info)
	}
	// bytes_used from the superblock; the 4 KiB padding is not ours.
	if want := int64(0x11B0A0 + 0x235744); c.End != want || end != want {
		t.Errorf("End = 0x%X, Extract end = 0x%X, want 0x%X", c.End, end, want)
	}
	got := sink.List()
	if n := count(got, "file"); n != 739 {
		t.Errorf("%d files, want 739", n)
	}
	if n := count(got, "symlink"); n != 181 {
		t.Errorf("%d symlinks, want 181", n)
	}
	want, err := sinktest.ReadTree("testdata/openwrt-15.05.1-tl-wr703n.tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range (sinktest.Compare{}).Diff(got, want) {
		t.Error(d)
	}
	if !strings.Contains(string(sink.Content["etc/shadow"]), "root::") {
		t.Errorf("etc/shadow: %q", sink.Content["etc/shadow"])
	}
}

func TestCorpusIoTCTF(t *testing.T) {
	img := samples.Corpus(t, "iotctf2020-web2.squashfs")
	c, sink, end, err := extractAt(t, img, 0, false)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.Info != "squashfs 4.0 gzip, 27 inodes" || end != 3287527 {
		t.Errorf("Info = %q, end = %d", c.Info, end)
	}
	want, err := sinktest.ReadTree("testdata/iotctf2020-web2.tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range (sinktest.Compare{}).Diff(sink.List(), want) {
		t.Error(d)
	}
}

// DD-WRT's squashfs 3.0 with raw LZMA blocks and the "hsqt" magic: no
// reference tool reads it, so the test checks counts and known contents.
func TestCorpusDDWRT(t *testing.T) {
	img := samples.Corpus(t, "ddwrt-v24-mini-generic.trx.bin")
	c, sink, end, err := extractAt(t, img, 0xE18E0, true)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.Info != "squashfs 3.0 lzma (dd-wrt magic), 530 inodes" {
		t.Errorf("Info = %q", c.Info)
	}
	if want := int64(0xE18E0 + 0x1E68F7); end != want {
		t.Errorf("end = 0x%X, want 0x%X", end, want)
	}
	got := sink.List()
	types := map[string]int{}
	for _, e := range got {
		types[e.Type]++
	}
	t.Logf("entry types: %v", types)
	// The root is not listed: 529 entries, one per remaining inode.
	if len(got) != 529 {
		t.Errorf("%d entries, want 529", len(got))
	}
	// DD-WRT mounts devfs: /dev holds no nodes.
	if types["dir"] != 46 || types["file"] != 296 || types["symlink"] != 187 {
		t.Errorf("entry types %v, want 46 dirs, 296 files, 187 symlinks", types)
	}
	if e := sink.Entries["etc/hosts"]; e == nil || e.Target != "/tmp/hosts" {
		t.Errorf("etc/hosts: %+v", e)
	}
	if bb := sink.Content["bin/busybox"]; !bytes.HasPrefix(bb, []byte("\x7fELF")) {
		t.Errorf("bin/busybox is not an ELF (%d bytes)", len(bb))
	}
	if p := sink.Content["etc/init.d/rcS"]; !bytes.HasPrefix(p, []byte("#!/bin/sh")) {
		t.Errorf("etc/init.d/rcS: %q", p)
	}
}
