package fwheader_test

import (
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors/enginetest"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// Through the whole engine, each vendor image's squashfs is carved at its
// real offset (or inside the decrypted blob) and holds what unsquashfs
// extracted from it (vendor-rootfs.tree); the kernel uImage is found too.
func TestVendorToolsEngine(t *testing.T) {
	want, err := sinktest.ReadTree("testdata/vendor-rootfs.tree")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ file, header, kernel, squashfs string }{
		{"tplinkv2.bin", "@0x0:tplink-v2", "@0x200:uimage", "@0x5AC:squashfs"},
		{"tplinkv2-combined.bin", "@0x0:tplink-v2", "@0x200:uimage", "@0x5AC:squashfs"},
		{"safeloader.bin", "@0x0:tplink-safeloader", "@0x2119:uimage", "@0x24C5:squashfs"},
		{"buffalo.tag", "@0x0:buffalo-tag", "@0xA0:buffalo-enc/decrypted@0x0:uimage", "@0xA0:buffalo-enc/decrypted@0x3AC:squashfs"},
		{"buffalo-long.enc", "@0x0:buffalo-enc", "@0x0:buffalo-enc/decrypted@0x0:uimage", "@0x0:buffalo-enc/decrypted@0x3AC:squashfs"},
		{"buffalo2.tag", "@0x0:buffalo-tag", "@0x9C:uimage", "@0x448:squashfs"},
		{"buffalo3.tag", "@0x0:buffalo-tag", "@0x98:uimage", "@0x444:squashfs"},
		{"dns313.bin", "@0x0:dns313", "", "@0x68:squashfs"},
		{"netgear.dni", "@0x0:dni", "@0x80:uimage", "@0x42C:squashfs"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			byLayer := enginetest.Run(t, tt.file, sinktest.Fixture(t, tt.file))
			for _, l := range []string{tt.header, tt.kernel} {
				if l != "" && byLayer[tt.file+l] == nil {
					t.Errorf("no chunk %s%s", tt.file, l)
				}
			}
			sq := byLayer[tt.file+tt.squashfs]
			if sq == nil {
				var all []string
				for l := range byLayer {
					all = append(all, l)
				}
				t.Fatalf("no chunk %s%s; have %v", tt.file, tt.squashfs, all)
			}
			if d := (sinktest.Compare{}).Diff(enginetest.Tree(sq), want); len(d) > 0 {
				t.Errorf("squashfs differs from vendor-rootfs.tree:\n%s", strings.Join(d, "\n"))
			}
		})
	}
}
