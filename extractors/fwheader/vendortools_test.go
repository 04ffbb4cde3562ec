package fwheader

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// The fixtures come from the firmware-utils writers (vendortools.sh). The
// expected fields are what the tools' own inspectors print for them:
// mktplinkfw2 -i, tplink-safeloader -i, buffalo-enc -d, mkimage and cksum.
const (
	vtKernel = 940  // kernel.uimage: mkimage's 64-byte header + 876 bytes of lzma
	vtRootfs = 4096 // root.sqfs from mksquashfs
	// sha256 of kernel.uimage+root.sqfs, which buffalo-enc -d (and -l -d) gives back.
	vtPlainSHA = "c6de511c1f052423021cbc8dd468065c2f9a08d7fb7a3e5a7d3a4b38572dfc3d"
)

func TestVendorTools(t *testing.T) {
	tests := []struct {
		h     extractors.Handler
		file  string
		end   int64
		hints []extractors.Hint
		attrs map[string]string
		notes map[string]string // value prefixes
	}{
		// mktplinkfw2 -i: kernel 0x200+0x3AC, rootfs 0x5AC+0x1000, length 0x7A0000.
		{TPLinkV2{}, "tplinkv2.bin", 0x200, []extractors.Hint{{Offset: 0x200, Size: vtKernel, Name: "kernel"}, {Offset: 0x5AC, Size: vtRootfs, Name: "rootfs"}},
			map[string]string{"tplink.version": "2", "tplink.fw_version": "ver. 2.0", "tplink.hw_id": "0x08410013", "tplink.hw_rev": "1",
				"tplink.fw_ver": "3.16.9", "tplink.sw_ver": "1.0", "tplink.kernel_len": "940", "tplink.rootfs_ofs": "0x5AC",
				"tplink.rootfs_len": "4096", "tplink.fw_length": "7995392", "tplink.kernel_load": "0x80000000", "tplink.md5": "0231cec66a0bf0eeac292c1f2b9bd55c"},
			map[string]string{"tplink.md5_check": "ok (5548 bytes)"}},
		{TPLinkV2{}, "tplinkv2-combined.bin", 0x200, []extractors.Hint{{Offset: 0x200, Size: 5036, Name: "kernel"}},
			map[string]string{"tplink.kernel_len": "5036"}, map[string]string{"tplink.md5_check": "ok (5548 bytes)"}},
		{TPLinkV2{}, "evil-md5.tplinkv2", 0x200, []extractors.Hint{{Offset: 0x200, Size: vtKernel, Name: "kernel"}, {Offset: 0x5AC, Size: vtRootfs, Name: "rootfs"}},
			nil, map[string]string{"tplink.md5_check": "mismatch: stored fdce3139"}},
		// tplink-safeloader -i: partitions at 0x1014 + base.
		{Safeloader{}, "safeloader.bin", 0x1814, []extractors.Hint{{Offset: 0x2014, Size: 0x15, Name: "soft-version"},
			{Offset: 0x2029, Size: 0xF0, Name: "support-list"}, {Offset: 0x2119, Size: vtKernel, Name: "os-image"}, {Offset: 0x24C5, Size: vtRootfs, Name: "file-system"}},
			map[string]string{"safeloader.type": "vendor", "safeloader.vendor": "CPE510(TP-LINK|UN|N300-5):1.0", "safeloader.size": "13509",
				"safeloader.soft_version": "0.0.0", "safeloader.date": "2023-11-14", "safeloader.revision": "12345",
				"safeloader.ptn.os-image": "0x1105+0x3AC", "safeloader.ptn.file-system": "0x14B1+0x1000",
				"safeloader.support_list": "SupportList:\nCPE210(TP-LINK|UN|N300-2):1.0\nCPE210(TP-LINK|UN|N300-2):1.1\nCPE210(TP-LINK|US|N300-2):1.1\n" +
					"CPE210(TP-LINK|EU|N300-2):1.1\nCPE220(TP-LINK|UN|N300-2):1.1\nCPE220(TP-LINK|US|N300-2):1.1\nCPE220(TP-LINK|EU|N300-2):1.1",
				"safeloader.flash_layout": "fs-uboot@0x00000+0x20000 partition-table@0x20000+0x02000 default-mac@0x30000+0x00020 " +
					"product-info@0x31100+0x00100 signature@0x32000+0x00400 os-image@0x40000+0x003ac file-system@0x50000+0x720000 " +
					"soft-version@0x7b0000+0x00100 support-list@0x7b1000+0x00400 user-config@0x7c0000+0x10000 " +
					"default-config@0x7d0000+0x10000 log@0x7e0000+0x10000 radio@0x7f0000+0x10000"},
			map[string]string{"safeloader.md5_check": "ok"}},
		{Safeloader{}, "evil-ptn.safeloader", 0x1814, []extractors.Hint{{Offset: 0x2014, Size: 0x15, Name: "soft-version"},
			{Offset: 0x2029, Size: 0xF0, Name: "support-list"}, {Offset: 0x2119, Size: vtKernel, Name: "os-image"}, {Offset: 0x24C5, Size: 0xFFFFF, Name: "file-system"}},
			map[string]string{"safeloader.ptn.file-system": "0x14B1+0xFFFFF (past the image end)"},
			map[string]string{"safeloader.md5_check": "mismatch"}},
		// buffalo-tag, one file: the encrypted image; cksum of the image with
		// the crc field zeroed is 1981912129 = 0x76219441.
		{BuffaloTag{}, "buffalo.tag", 0xA0, []extractors.Hint{{Offset: 0xA0, Name: "file1"}},
			map[string]string{"buffalo.layout": "tag", "buffalo.product": "WZR-HP-G300NH", "buffalo.brand": "Buffalo",
				"buffalo.version": "1.99/1.01", "buffalo.region": "M_", "buffalo.language": "mlang8", "buffalo.platform": "ath",
				"buffalo.hw_version": "3", "buffalo.base1": "0x80041000", "buffalo.base2": "0x801E8000", "buffalo.crc": "0x76219441",
				"buffalo.file1_len": "5080"},
			map[string]string{"buffalo.crc_check": "ok"}},
		{BuffaloTag{}, "buffalo2.tag", 0x9C, []extractors.Hint{{Offset: 0x9C, Name: "file1"}, {Offset: 0x9C + vtKernel, Name: "file2"}},
			map[string]string{"buffalo.layout": "tag2", "buffalo.region": "JP", "buffalo.file1_len": "940", "buffalo.file2_len": "4096"},
			map[string]string{"buffalo.crc_check": "ok"}},
		{BuffaloTag{}, "buffalo3.tag", 0x98, []extractors.Hint{{Offset: 0x98, Name: "file1"}},
			map[string]string{"buffalo.layout": "tag3", "buffalo.product": "WHR-G301N", "buffalo.file1_len": "5036"}, nil},
		// DNS-313 over the rootfs: the tool prints data CRC 0x13a88e30.
		{DNS313{}, "dns313.bin", 0x68, []extractors.Hint{{Offset: 0x68, Name: "payload"}},
			map[string]string{"dns313.name": "kernel.img", "dns313.model": "dns-313v3", "dns313.version": "2.01b04",
				"dns313.mac": "00:80:c8:16:81:68", "dns313.size": "4096", "dns313.arch": "arm", "dns313.compression": "gzip"},
			map[string]string{"dns313.dcrc": "ok"}},
		{DNS313{}, "evil-size.dns313", 0x68, []extractors.Hint{{Offset: 0x68, Name: "payload"}},
			map[string]string{"dns313.truncated": "4096 of 4294967295 data bytes present"}, map[string]string{"dns313.dcrc": "unchecked"}},
		{DNI{}, "netgear.dni", 128, []extractors.Hint{{Offset: 128, Name: "image"}},
			map[string]string{"dni.device": "WNR3500L", "dni.version": "V1.2.2.48_35.0.55", "dni.region": "", "dni.hd_id": "29763654+16+128"},
			map[string]string{"dni.checksum": "ok (image ends at 0x142D)"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, s, err := run(t, tt.h, filepath.Join("testdata", tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.End != tt.end || c.Confidence != extractors.High {
				t.Errorf("chunk end 0x%X %v, want 0x%X high", c.End, c.Confidence, tt.end)
			}
			if !reflect.DeepEqual(c.Hints, tt.hints) {
				t.Errorf("hints %+v, want %+v", c.Hints, tt.hints)
			}
			for k, v := range tt.attrs {
				if got, ok := c.Attrs[k]; !ok || got != v {
					t.Errorf("attr %s = %q, want %q", k, got, v)
				}
			}
			for k, v := range tt.notes {
				if !strings.HasPrefix(s.Notes[k], v) {
					t.Errorf("note %s = %q, want %q...", k, s.Notes[k], v)
				}
			}
			if len(s.List()) != 0 {
				t.Errorf("wrote %d entries; the payloads are for the engine to carve", len(s.List()))
			}
		})
	}
}

// The encrypted images decrypt to what went in, byte for byte, in both state
// modes; a flipped data byte shows as a checksum mismatch.
func TestBuffaloEnc(t *testing.T) {
	for _, tt := range []struct{ file, state, sha, note string }{
		{"buffalo.enc", "256", vtPlainSHA, "ok"},
		{"buffalo-long.enc", "long", vtPlainSHA, "ok"},
		{"evil-data.enc", "256", "", "mismatch: stored 0x62A207A5"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			c, s, err := run(t, BuffaloEnc{}, filepath.Join("testdata", tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			// 38 header bytes + 5036 data + 4 checksum, padded to 5080.
			if c.End != 5080 || c.Attrs["buffalo.state"] != tt.state || c.Attrs["buffalo.product"] != "WZR-HP-G300NH" ||
				c.Attrs["buffalo.version"] != "1.99" || c.Attrs["buffalo.data_len"] != "5036" || c.Attrs["buffalo.magic"] != "start" {
				t.Errorf("chunk end %d attrs %v", c.End, c.Attrs)
			}
			l := s.List()
			if len(l) != 1 || l[0].Path != "decrypted" || l[0].Type != "blob" || l[0].Size != 5036 {
				t.Fatalf("entries %v", l)
			}
			if tt.sha != "" && l[0].SHA256 != tt.sha {
				t.Errorf("decrypted sha256 %s, want %s", l[0].SHA256, tt.sha)
			}
			if !strings.HasPrefix(s.Notes["buffalo.checksum"], tt.note) {
				t.Errorf("checksum note %q, want %q", s.Notes["buffalo.checksum"], tt.note)
			}
		})
	}
}

// A truncated encrypted image yields the data present and a FormatError.
func TestBuffaloEncTruncated(t *testing.T) {
	b := sinktest.Fixture(t, "buffalo.enc")
	for _, cut := range []int{60, 1000, 5070, 5079} {
		s, c, end, err := sinktest.Extract(t, BuffaloEnc{}, b[:cut], true)
		var fe *extractors.FormatError
		if cut < 5078 && !errors.As(err, &fe) {
			t.Errorf("cut %d: err %v, want a FormatError", cut, err)
		}
		if end != int64(cut) || c.End != int64(cut) {
			t.Errorf("cut %d: end %d chunk end %d", cut, end, c.End)
		}
		want := int64(min(cut-38, 5036))
		if l := s.List(); len(l) != 1 || l[0].Size != want {
			t.Errorf("cut %d: entries %v, want %d decrypted bytes", cut, l, want)
		}
	}
	// The long state is as long as the claimed data: a cut one refuses to build it.
	b = sinktest.Fixture(t, "buffalo-long.enc")
	if _, _, _, err := sinktest.Extract(t, BuffaloEnc{}, b[:1000], true); err == nil {
		t.Error("longstate image cut short: no error")
	}
}

// Every handler refuses every truncation of its fixture's header and extracts
// every longer cut without a panic, and refuses what the others wrote.
func TestVendorTruncationsAndFlips(t *testing.T) {
	fixtures := map[string]extractors.Handler{"tplinkv2.bin": TPLinkV2{}, "safeloader.bin": Safeloader{}, "buffalo.tag": BuffaloTag{},
		"buffalo2.tag": BuffaloTag{}, "buffalo3.tag": BuffaloTag{}, "buffalo.enc": BuffaloEnc{}, "dns313.bin": DNS313{}, "netgear.dni": DNI{}}
	for file, h := range fixtures {
		b := sinktest.Fixture(t, file)
		c, err := h.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		hdr := int(c.End)
		if h.Name() == "buffalo-enc" {
			hdr = 38 // the chunk is the whole image; the header is 38 bytes
		}
		for cut := 0; cut < len(b); cut += 1 + cut/hdr*96 { // every byte of the header, then every 97th
			r := bytes.NewReader(b[:cut])
			c, err := h.Identify(r, 0, int64(cut))
			if cut < hdr {
				if !errors.Is(err, extractors.ErrNotFormat) {
					t.Fatalf("%s cut %d inside the header: %v", file, cut, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s cut %d: %v", file, cut, err)
			}
			end, err := h.Extract(context.Background(), r, c, sinktest.NewSink(false))
			var fe *extractors.FormatError
			if end != c.End || (err != nil && !errors.As(err, &fe)) {
				t.Fatalf("%s cut %d: end %d of %d, err %v", file, cut, end, c.End, err)
			}
		}
		// Bit flips: one at each header byte.
		for i := range min(hdr, 0x100) {
			m := bytes.Clone(b)
			m[i] ^= 0x10
			r := bytes.NewReader(m)
			c, err := h.Identify(r, 0, int64(len(m)))
			if err != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if end, err := h.Extract(ctx, r, c, sinktest.NewSink(false)); end != c.End && err == nil {
				t.Errorf("%s flip at %d: end %d, chunk end %d", file, i, end, c.End)
			}
			cancel()
		}
		for _, o := range Handlers() {
			if o.Name() == h.Name() {
				continue
			}
			if _, err := o.Identify(bytes.NewReader(b), 0, int64(len(b))); err == nil {
				t.Errorf("%s claims %s", o.Name(), file)
			}
		}
	}
}

// Header checks that refuse: a DNS-313 header's CRC, a DNI header with bytes
// after its text, a Buffalo product that is not a name under the known key,
// a TP-Link version that is not text, a malformed partition line, Buffalo tag
// lengths that fit no layout.
func TestVendorRefusals(t *testing.T) {
	for _, tt := range []struct {
		h    extractors.Handler
		file string
		at   int
	}{
		{DNS313{}, "dns313.bin", 0x45},           // a byte of the model
		{DNI{}, "netgear.dni", 0x70},             // the NUL fill
		{BuffaloEnc{}, "buffalo.enc", 0x0C},      // the encrypted product
		{TPLinkV2{}, "tplinkv2.bin", 0x04},       // the version string
		{Safeloader{}, "safeloader.bin", 0x102D}, // "base" in the first table line
		{BuffaloTag{}, "buffalo.tag", 0x9B},      // data_len: no layout's lengths add up
	} {
		b := sinktest.Fixture(t, tt.file)
		b[tt.at] ^= 0xff
		if _, err := tt.h.Identify(bytes.NewReader(b), 0, int64(len(b))); !errors.Is(err, extractors.ErrNotFormat) {
			t.Errorf("%s with byte 0x%X changed: %v", tt.file, tt.at, err)
		}
	}
}
