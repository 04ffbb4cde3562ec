package fwheader

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// run identifies a chunk at off of file and extracts it into a test sink.
func run(t *testing.T, h extractors.Handler, file string, off int64) (extractors.Chunk, *sinktest.Sink, error) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	c, err := h.Identify(f, off, fi.Size())
	if err != nil {
		return c, nil, err
	}
	s := sinktest.NewSink(true)
	end, err := h.Extract(context.Background(), f, c, s)
	if err == nil && end != c.End {
		t.Errorf("Extract end 0x%X, chunk end 0x%X", end, c.End)
	}
	return c, s, err
}

func hintList(c extractors.Chunk) []extractors.Hint { return c.Hints }

// Expected fields are those `mkimage -l` prints for the fixtures.
func TestUImage(t *testing.T) {
	tests := []struct {
		file      string
		attrs     map[string]string
		hints     []extractors.Hint
		dcrc      string
		wantNoFmt bool
	}{
		{file: "kernel.gzip.uimage",
			attrs: map[string]string{"uimage.name": "fwstar kernel", "uimage.arch": "arm", "uimage.os": "linux",
				"uimage.type": "kernel", "uimage.compression": "gzip", "uimage.size": "7639",
				"uimage.load": "0x80008000", "uimage.entry": "0x80008000", "uimage.time": "2023-11-14T22:13:20Z"},
			hints: []extractors.Hint{{Offset: 64, Name: "payload"}}, dcrc: "ok"},
		// The header says gzip; the hint has no format so xz is found there.
		{file: "ramdisk.lies.uimage",
			attrs: map[string]string{"uimage.type": "ramdisk", "uimage.compression": "gzip", "uimage.name": "says gzip is xz"},
			hints: []extractors.Hint{{Offset: 64, Name: "payload"}}, dcrc: "ok"},
		// mkimage -l: Image 0: 7639 bytes, Image 1: 1552 bytes; list of 2 sizes + 0.
		{file: "multi.uimage",
			attrs: map[string]string{"uimage.type": "multi", "uimage.arch": "mips", "uimage.images": "2", "uimage.size": "9204"},
			hints: []extractors.Hint{{Offset: 64 + 12, Name: "image-0"}, {Offset: 64 + 12 + 7640, Name: "image-1"}}, dcrc: "ok"},
		{file: "evil-dcrc.uimage", attrs: map[string]string{"uimage.name": "fwstar kernel"},
			hints: []extractors.Hint{{Offset: 64, Name: "payload"}}, dcrc: "mismatch: stored 0x"},
		{file: "evil-size.uimage", attrs: map[string]string{"uimage.size": "4294967295", "uimage.truncated": "7639 of 4294967295 data bytes present"},
			hints: []extractors.Hint{{Offset: 64, Name: "payload"}}, dcrc: "unchecked: data truncated"},
		// The first size runs past the end: no image can be trusted.
		{file: "evil-multi.uimage", attrs: map[string]string{"uimage.images": "0"}, dcrc: "mismatch: stored 0x"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, s, err := run(t, UImage{}, filepath.Join("testdata", tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.End != 64 || c.Confidence != extractors.High {
				t.Errorf("chunk [0,%d) %v, want the 64-byte header, high", c.End, c.Confidence)
			}
			for k, v := range tt.attrs {
				if c.Attrs[k] != v {
					t.Errorf("%s = %q, want %q", k, c.Attrs[k], v)
				}
			}
			if !reflect.DeepEqual(hintList(c), tt.hints) {
				t.Errorf("hints %+v, want %+v", c.Hints, tt.hints)
			}
			if got := s.Notes["uimage.dcrc"]; len(got) < len(tt.dcrc) || got[:len(tt.dcrc)] != tt.dcrc {
				t.Errorf("dcrc note %q, want %q...", got, tt.dcrc)
			}
			if len(s.List()) != 0 {
				t.Errorf("wrote %d entries; the payload is for the engine to carve", len(s.List()))
			}
		})
	}
}

func TestUImageRejectsBadHeaderCRC(t *testing.T) {
	b, err := os.ReadFile("testdata/kernel.gzip.uimage")
	if err != nil {
		t.Fatal(err)
	}
	b[40] ^= 1 // a byte of the name
	_, err = UImage{}.Identify(bytesReader(b), 0, int64(len(b)))
	if !errors.Is(err, extractors.ErrNotFormat) {
		t.Fatalf("err %v, want ErrNotFormat", err)
	}
}

// The DD-WRT TRX from MANIFEST.md: gzip loader at 0x1C, LZMA kernel at 0x8F0,
// squashfs at 0xE18E0; the CRC was checked with python's zlib.crc32.
func TestTRXCorpus(t *testing.T) {
	file := samples.Corpus(t, "ddwrt-v24-mini-generic.trx.bin")
	c, s, err := run(t, TRX{}, file, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []extractors.Hint{{Offset: 0x1C, Size: 0x8F0 - 0x1C, Name: "loader"}, {Offset: 0x8F0, Size: 0xE18E0 - 0x8F0, Name: "kernel"},
		{Offset: 0xE18E0, Size: 2920448 - 0xE18E0, Name: "rootfs"}}
	if !reflect.DeepEqual(c.Hints, want) {
		t.Errorf("hints %+v, want %+v", c.Hints, want)
	}
	if c.End != 28 || c.Attrs["trx.version"] != "1" || c.Attrs["trx.length"] != "2920448" || c.Attrs["trx.crc"] != "0x709A1506" {
		t.Errorf("chunk end %d attrs %v", c.End, c.Attrs)
	}
	if s.Notes["trx.crc_check"] != "ok" {
		t.Errorf("crc check %q", s.Notes["trx.crc_check"])
	}
}

// The OpenWrt 15.05.1 TL-WR703N factory image. Its header says rootfs_ofs
// 0x100000 (the flash layout) while the squashfs lies right after the kernel,
// at 0x200+0x11AEA0 = 0x11B0A0, as MANIFEST.md says.
func TestTPLinkCorpus(t *testing.T) {
	file := samples.Corpus(t, "openwrt-15.05.1-tl-wr703n-factory.bin")
	c, s, err := run(t, TPLink{}, file, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []extractors.Hint{{Offset: 0x200, Size: 0x11B0A0 - 0x200, Format: "lzma", Name: "kernel"}, {Offset: 0x11B0A0, Size: 2316100, Name: "rootfs"}}
	if !reflect.DeepEqual(c.Hints, want) {
		t.Errorf("hints %+v, want %+v", c.Hints, want)
	}
	wantAttrs := map[string]string{"tplink.vendor": "OpenWrt", "tplink.fw_version": "r49630", "tplink.hw_id": "0x07030101",
		"tplink.hw_rev": "1", "tplink.kernel_load": "0x80060000", "tplink.kernel_entry": "0x80060000",
		"tplink.kernel_ofs": "0x200", "tplink.kernel_len": "1158816", "tplink.rootfs_ofs": "0x100000",
		"tplink.rootfs_at": "0x11B0A0", "tplink.rootfs_len": "2316100", "tplink.fw_length": "3932160"}
	for k, v := range wantAttrs {
		if c.Attrs[k] != v {
			t.Errorf("%s = %q, want %q", k, c.Attrs[k], v)
		}
	}
	if c.End != 0x200 {
		t.Errorf("chunk end 0x%X, want 0x200", c.End)
	}
	if got := s.Notes["tplink.md5_check"]; got != "ok (firmware salt)" {
		t.Errorf("md5 check %q", got)
	}
}
