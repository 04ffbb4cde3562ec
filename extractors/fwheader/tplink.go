package fwheader

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// TP-Link firmware header, version 1 (OpenWrt firmware-utils mktplinkfw.c,
// struct fw_header): 0x200 bytes, big-endian.
//
//	0x00 version (0x01000000)  0x04 vendor[24]  0x1C fw_version[36]  0x40 hw_id  0x44 hw_rev
//	0x48 region   0x4C md5sum1[16] 0x5C unk  0x60 md5sum2[16]  0x70 unk
//	0x74 kernel_la  0x78 kernel_ep  0x7C fw_length  0x80 kernel_ofs  0x84 kernel_len
//	0x88 rootfs_ofs 0x8C rootfs_len 0x90 boot_ofs   0x94 boot_len
//	0x98 ver_hi/mid/lo (u16 each)
//
// md5sum1 is the MD5 of the first fw_length bytes with md5sum1 replaced by a
// salt: one for firmware images, another for images that carry a bootloader.
const (
	tplinkHdrSize = 0x200
	tplinkV1      = 0x01000000 // HEADER_VERSION_V1
)

var (
	tplinkSaltNormal = []byte{0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdd, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x38}
	tplinkSaltBoot   = []byte{0x8c, 0xef, 0x33, 0x5b, 0xd5, 0xc5, 0xce, 0xfa, 0xa7, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42}
)

type tplinkHeader struct {
	Vendor, FWVersion            string
	HWID, HWRev, Region          uint32
	MD5                          []byte
	KernelLA, KernelEP, FWLength uint32
	KernelOfs, KernelLen         uint32
	RootfsOfs, RootfsLen         uint32
	BootOfs, BootLen             uint32
	Ver                          [3]uint16
}

func parseTPLink(b []byte) (tplinkHeader, error) {
	be := binary.BigEndian
	if be.Uint32(b) != tplinkV1 {
		return tplinkHeader{}, fmt.Errorf("version 0x%X", be.Uint32(b))
	}
	if v := string(b[4:11]); v != "TP-LINK" && v != "OpenWrt" {
		return tplinkHeader{}, fmt.Errorf("vendor %q", cstr(b[4:0x1c]))
	}
	if !printable(b[4:0x1c]) || !printable(b[0x1c:0x40]) || b[4] == 0 {
		return tplinkHeader{}, fmt.Errorf("vendor or version not text")
	}
	h := tplinkHeader{Vendor: cstr(b[4:0x1c]), FWVersion: cstr(b[0x1c:0x40]),
		HWID: be.Uint32(b[0x40:]), HWRev: be.Uint32(b[0x44:]), Region: be.Uint32(b[0x48:]),
		MD5: b[0x4c:0x5c], KernelLA: be.Uint32(b[0x74:]), KernelEP: be.Uint32(b[0x78:]),
		FWLength: be.Uint32(b[0x7c:]), KernelOfs: be.Uint32(b[0x80:]), KernelLen: be.Uint32(b[0x84:]),
		RootfsOfs: be.Uint32(b[0x88:]), RootfsLen: be.Uint32(b[0x8c:]),
		BootOfs: be.Uint32(b[0x90:]), BootLen: be.Uint32(b[0x94:]),
		Ver: [3]uint16{be.Uint16(b[0x98:]), be.Uint16(b[0x9a:]), be.Uint16(b[0x9c:])}}
	kend := uint64(h.KernelOfs) + uint64(h.KernelLen)
	switch {
	case h.KernelOfs < tplinkHdrSize || h.KernelLen == 0:
		return h, fmt.Errorf("kernel at 0x%X, %d bytes", h.KernelOfs, h.KernelLen)
	case kend > uint64(h.FWLength):
		return h, fmt.Errorf("kernel ends at 0x%X past the length 0x%X", kend, h.FWLength)
	case uint64(h.RootfsOfs)+uint64(h.RootfsLen) > uint64(h.FWLength)+uint64(h.KernelLen):
		return h, fmt.Errorf("rootfs 0x%X+0x%X out of range", h.RootfsOfs, h.RootfsLen)
	}
	return h, nil
}

// TPLink handles the TP-Link v1 header of TL-WR and Archer factory images.
type TPLink struct{}

func (TPLink) Name() string { return "tplink" }

// Magics: HEADER_VERSION_V1 followed by the vendor names that TP-Link's and OpenWrt's
// tools write; a bare version number would be too weak a magic.
func (TPLink) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte("\x01\x00\x00\x00TP-LINK")},
		{Bytes: []byte("\x01\x00\x00\x00OpenWrt")},
	}
}

func (TPLink) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, tplinkHdrSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("tplink", "short header")
	}
	h, err := parseTPLink(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("tplink", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + tplinkHdrSize, Confidence: extractors.High,
		Info: fmt.Sprintf("TP-Link v1, %s %s, hw 0x%08X v%d", h.Vendor, h.FWVersion, h.HWID, h.HWRev),
		Attrs: map[string]string{
			"tplink.version": "1", "tplink.vendor": h.Vendor, "tplink.fw_version": h.FWVersion,
			"tplink.hw_id": fmt.Sprintf("0x%08X", h.HWID), "tplink.hw_rev": strconv.FormatUint(uint64(h.HWRev), 10),
			"tplink.region":      strconv.FormatUint(uint64(h.Region), 10),
			"tplink.kernel_load": hexAttr(h.KernelLA), "tplink.kernel_entry": hexAttr(h.KernelEP),
			"tplink.fw_length":  strconv.FormatUint(uint64(h.FWLength), 10),
			"tplink.kernel_ofs": hexAttr(h.KernelOfs), "tplink.kernel_len": strconv.FormatUint(uint64(h.KernelLen), 10),
			"tplink.rootfs_ofs": hexAttr(h.RootfsOfs), "tplink.rootfs_len": strconv.FormatUint(uint64(h.RootfsLen), 10),
			"tplink.md5": hex.EncodeToString(h.MD5),
		}}
	if h.Ver != [3]uint16{} {
		c.Attrs["tplink.fw_ver"] = fmt.Sprintf("%d.%d.%d", h.Ver[0], h.Ver[1], h.Ver[2])
	}
	// Lzma-alone has no real magic, so the kernel hint names its handler.
	c.Hints = append(c.Hints, extractors.Hint{Offset: off + int64(h.KernelOfs), Size: int64(h.KernelLen), Format: "lzma", Name: "kernel"})
	// rootfs_ofs is the partition's flash offset in the device layout; images
	// built with rootfs alignment (OpenWrt's, where the header says 0x100000)
	// place the rootfs right after the kernel instead, inside the kernel's
	// declared range by the layout's reckoning.
	rootfs := int64(h.RootfsOfs)
	if kend := int64(h.KernelOfs) + int64(h.KernelLen); rootfs < kend {
		rootfs = kend
		c.Attrs["tplink.rootfs_at"] = hexAttr(uint32(kend))
	}
	if h.RootfsLen > 0 {
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + rootfs, Size: int64(h.RootfsLen), Name: "rootfs"})
	}
	if h.BootLen > 0 && h.BootOfs >= tplinkHdrSize {
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + int64(h.BootOfs), Name: "bootloader"})
	}
	if int64(h.FWLength) > size-off {
		c.Attrs["tplink.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, h.FWLength)
	}
	return c, nil
}

// Extract checks md5sum1 with both salts and notes which one holds.
func (TPLink) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	h, _, err := reparse("tplink", r, c, tplinkHdrSize, c.End, parseTPLink)
	if err != nil {
		return c.Start, err
	}
	verdict := "mismatch"
	for _, s := range []struct {
		name string
		salt []byte
	}{{"firmware salt", tplinkSaltNormal}, {"bootloader salt", tplinkSaltBoot}} {
		sum, err := md5Salted(ctx, r, c.Start, int64(h.FWLength), 0x4c, s.salt)
		if ctx.Err() != nil {
			return c.End, ctx.Err()
		}
		if err != nil {
			verdict = "unchecked: image truncated"
			break
		}
		if bytes.Equal(sum, h.MD5) {
			verdict = "ok (" + s.name + ")"
			break
		}
	}
	dst.Note("tplink.md5_check", verdict)
	return c.End, nil
}
