package cramfs

import (
	"bytes"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// The ESP32-S3 root file system is an XIP cramfs (flags 0x803: version 2,
// sorted, extended block pointers) that Debian's fsck.cramfs refuses.
func TestCorpusESP32S3(t *testing.T) {
	img := samples.Corpus(t, "esp32s3-linux-rootfs-xip.cramfs")
	s, c, end, err := sinktest.ExtractFile(t, Handler{}, img, true)
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if c.End != 3584000 || end != 3584000 || c.Attrs["cramfs.flags"] != "0x803" {
		t.Errorf("chunk %+v, end %d", c, end)
	}
	// 401 inodes: the root and 400 entries.
	if s.Notes["cramfs.entries"] != "400" || s.Notes["cramfs.crc"] != "" {
		t.Errorf("notes %v", s.Notes)
	}
	types := map[string]int{}
	for _, e := range s.List() {
		types[e.Type]++
	}
	t.Logf("types %v", types)
	bb := s.Content["bin/busybox"]
	if !bytes.HasPrefix(bb, []byte("\x7fELF")) || !bytes.Contains(bb, []byte("BusyBox v1.36.0")) {
		t.Errorf("bin/busybox: %d bytes, not the BusyBox 1.36.0 ELF", len(bb))
	}
}

func BenchmarkESP32S3(b *testing.B) {
	img := samples.Corpus(b, "esp32s3-linux-rootfs-xip.cramfs")
	for b.Loop() {
		if _, _, _, err := sinktest.ExtractFile(b, Handler{}, img, true); err != nil {
			b.Fatal(err)
		}
	}
}
