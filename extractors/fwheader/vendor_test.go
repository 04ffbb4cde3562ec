package fwheader

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fwstar/fwstar/extractors"
)

// The vendor fixtures are format-constructed by gen.sh (no tool makes them);
// the expected offsets follow from the payload sizes gen.sh laid out.
func TestVendorHeaders(t *testing.T) {
	const gz, xz = 7639, 1552 // gzip -9 and xz -9 of the same text (gen.sh)
	pad := func(n int64) int64 { return (n + 3) &^ 3 }
	tests := []struct {
		h     extractors.Handler
		file  string
		end   int64
		hints []extractors.Hint
		attrs map[string]string
		notes map[string]string
	}{
		{TRX{}, "v1.trx", 28, []extractors.Hint{{Offset: 28, Size: pad(gz), Name: "loader"}, {Offset: 28 + pad(gz), Size: pad(xz), Name: "kernel"},
			{Offset: 28 + pad(gz) + pad(xz), Size: gz, Name: "rootfs"}}, map[string]string{"trx.version": "1"}, map[string]string{"trx.crc_check": "ok"}},
		{TRX{}, "v2.trx", 32, []extractors.Hint{{Offset: 32, Size: pad(gz), Name: "loader"}, {Offset: 32 + pad(gz), Size: pad(xz), Name: "kernel"},
			{Offset: 32 + pad(gz) + pad(xz), Size: gz, Name: "rootfs"}}, map[string]string{"trx.version": "2"}, map[string]string{"trx.crc_check": "ok"}},
		{CHK{}, "netgear.chk", 58, []extractors.Hint{{Offset: 58, Size: xz, Name: "kernel"}, {Offset: 58 + xz, Size: gz, Name: "rootfs"}},
			map[string]string{"chk.board_id": "U12H139T00_NETGEAR", "chk.kernel_len": "1552", "chk.rootfs_len": "7639"},
			map[string]string{"chk.kernel_checksum": "ok", "chk.rootfs_checksum": "ok", "chk.image_checksum": "ok"}},
		{SEAMA{}, "firmware.seama", 28 + 36, []extractors.Hint{{Offset: 64, Name: "image"}},
			map[string]string{"seama.meta.dev": "/dev/mtdblock/1", "seama.meta.type": "firmware", "seama.size": "1552"},
			map[string]string{"seama.md5_check": "ok"}},
		{SEAMA{}, "sealed.seama", 28 + 44, []extractors.Hint{{Offset: 72, Name: "image"}},
			map[string]string{"seama.meta.signature": "wrgac01_dlink.2013gui_dir860lb", "seama.size": "0"}, nil},
		{WRGG{}, "dap2610.wrgg", 160, []extractors.Hint{{Offset: 160, Name: "image"}},
			map[string]string{"wrgg.model": "DAP-2610", "wrgg.signature": "wapac09_dkbs_dap2610", "wrgg.size": "7639",
				"wrgg.devname": "/dev/mtdblock/2", "wrgg.offset": "0x40000"}, map[string]string{"wrgg.md5_check": "ok"}},
		{UBNT{}, "xm.ubnt", 268, []extractors.Hint{{Offset: 268 + 56, Size: xz, Name: "kernel"}, {Offset: 268 + 56 + xz + 8 + 56, Size: gz, Name: "rootfs"}},
			map[string]string{"ubnt.version": "XM.ar7240.v5.6.3.28591.151130.1749", "ubnt.parts": "2",
				"ubnt.part.kernel.size": "1552", "ubnt.part.rootfs.size": "7639"},
			map[string]string{"ubnt.part.kernel.crc_check": "ok", "ubnt.part.rootfs.crc_check": "ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, s, err := run(t, tt.h, filepath.Join("testdata", tt.file), 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.End != tt.end {
				t.Errorf("chunk end %d, want %d", c.End, tt.end)
			}
			if !reflect.DeepEqual(c.Hints, tt.hints) {
				t.Errorf("hints %+v, want %+v", c.Hints, tt.hints)
			}
			for k, v := range tt.attrs {
				if c.Attrs[k] != v {
					t.Errorf("attr %s = %q, want %q", k, c.Attrs[k], v)
				}
			}
			for k, v := range tt.notes {
				if s.Notes[k] != v {
					t.Errorf("note %s = %q, want %q", k, s.Notes[k], v)
				}
			}
		})
	}
}

// The engine tries every handler at a hint with no format, so each handler
// must check its own magic: none may claim another's fixture.
func TestOnlyOwnerClaims(t *testing.T) {
	owner := map[string]string{"v1.trx": "trx", "v2.trx": "trx", "netgear.chk": "chk", "firmware.seama": "seama",
		"sealed.seama": "seama", "dap2610.wrgg": "wrgg", "xm.ubnt": "ubnt", "kernel.gzip.uimage": "uimage", "multi.uimage": "uimage"}
	for file, want := range owner {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range Handlers() {
			_, err := h.Identify(bytesReader(b), 0, int64(len(b)))
			if (err == nil) != (h.Name() == want) {
				t.Errorf("%s on %s: %v", h.Name(), file, err)
			}
		}
	}
}
