package fwheader

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// TP-Link firmware header, version 2 and 3 (OpenWrt firmware-utils
// mktplinkfw2.c, used on MediaTek and Lantiq boards): 0x200 bytes, big-endian
// except the version word, which is little-endian; unset fields are 0xFF.
//
//	0x00 version (2 or 3, LE)  0x04 fw_version[48] ("ver. 2.0")
//	0x34 hw_id  0x38 hw_rev  0x3C hw_ver_add  0x40 md5sum1[16]  0x50 unk (0)
//	0x54 md5sum2[16]  0x64 unk (0xFFFFFFFF)  0x68 kernel_la  0x6C kernel_ep
//	0x70 fw_length  0x74 kernel_ofs  0x78 kernel_len  0x7C rootfs_ofs
//	0x80 rootfs_len  0x84 boot_ofs  0x88 boot_len  0x8C 0x55AA
//	0x8E sver_hi sver_lo  0x90 0xA5  0x91 ver_hi ver_mid ver_lo
//
// md5sum1 is the MD5 of the whole file as written with md5sum1 replaced by a
// salt (the bootloader salt when boot_len is set). The file is the flash
// layout's length, or shorter when the writer stripped the padding, and the
// header does not say which, so the check tries each end the header implies.
const tplinkV2HdrSize = 0x200

var (
	tplinkV2SaltNormal = []byte{0xdc, 0xd7, 0x3a, 0xa5, 0xc3, 0x95, 0x98, 0xfb, 0xdc, 0xf9, 0xe7, 0xf4, 0x0e, 0xae, 0x47, 0x37}
	tplinkV2SaltBoot   = []byte{0x8c, 0xef, 0x33, 0x5f, 0xd5, 0xc5, 0xce, 0xfa, 0xac, 0x9c, 0x28, 0xda, 0xb2, 0xe9, 0x0f, 0x42}
)

type tplinkV2Header struct {
	Version                      uint32
	FWVersion                    string
	HWID, HWRev, HWVerAdd        uint32
	MD5                          []byte
	KernelLA, KernelEP, FWLength uint32
	KernelOfs, KernelLen         uint32
	RootfsOfs, RootfsLen         uint32
	BootOfs, BootLen             uint32
	SVer                         [2]uint8
	Ver                          [3]uint8
	Unk4                         uint16
	Unk5                         uint8
}

// unset reports a field the writer left at its 0xFF fill (or zero).
func unset(v uint32) bool { return v == 0 || v == 0xFFFFFFFF }

func parseTPLinkV2(b []byte) (tplinkV2Header, error) {
	be := binary.BigEndian
	h := tplinkV2Header{Version: binary.LittleEndian.Uint32(b)}
	if h.Version != 2 && h.Version != 3 {
		return h, fmt.Errorf("version 0x%X", h.Version)
	}
	if !printable(b[4:0x34]) || b[4] == 0 {
		return h, fmt.Errorf("version string not text")
	}
	h.FWVersion = cstr(b[4:0x34])
	h.HWID, h.HWRev, h.HWVerAdd = be.Uint32(b[0x34:]), be.Uint32(b[0x38:]), be.Uint32(b[0x3c:])
	h.MD5 = b[0x40:0x50]
	h.KernelLA, h.KernelEP, h.FWLength = be.Uint32(b[0x68:]), be.Uint32(b[0x6c:]), be.Uint32(b[0x70:])
	h.KernelOfs, h.KernelLen = be.Uint32(b[0x74:]), be.Uint32(b[0x78:])
	h.RootfsOfs, h.RootfsLen = be.Uint32(b[0x7c:]), be.Uint32(b[0x80:])
	h.BootOfs, h.BootLen = be.Uint32(b[0x84:]), be.Uint32(b[0x88:])
	h.Unk4, h.SVer, h.Unk5 = be.Uint16(b[0x8c:]), [2]uint8{b[0x8e], b[0x8f]}, b[0x90]
	h.Ver = [3]uint8{b[0x91], b[0x92], b[0x93]}
	kend := uint64(h.KernelOfs) + uint64(h.KernelLen)
	switch {
	case h.KernelOfs < tplinkV2HdrSize || unset(h.KernelLen):
		return h, fmt.Errorf("kernel at 0x%X, %d bytes", h.KernelOfs, h.KernelLen)
	case kend > uint64(h.FWLength):
		return h, fmt.Errorf("kernel ends at 0x%X past the length 0x%X", kend, h.FWLength)
	}
	return h, nil
}

// rootfs reports whether the header places a separate rootfs (images built
// with a combined kernel leave both fields at the 0xFF fill).
func (h tplinkV2Header) rootfs() bool {
	return !unset(h.RootfsLen) && h.RootfsOfs >= tplinkV2HdrSize
}

// TPLinkV2 handles the TP-Link v2/v3 header of MediaTek and Lantiq TL-WR,
// TL-MR and Archer images.
type TPLinkV2 struct{}

func (TPLinkV2) Name() string { return "tplink-v2" }

// Magics: the little-endian version word and the start of the version string
// both writers put there ("ver. 2.0"); the version word alone is too weak.
func (TPLinkV2) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte("\x02\x00\x00\x00ver. ")},
		{Bytes: []byte("\x03\x00\x00\x00ver. ")},
	}
}

func (TPLinkV2) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, tplinkV2HdrSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("tplink-v2", "short header")
	}
	h, err := parseTPLinkV2(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("tplink-v2", err.Error())
	}
	u := func(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
	c := extractors.Chunk{Start: off, End: off + tplinkV2HdrSize, Confidence: extractors.High,
		Info: fmt.Sprintf("TP-Link v%d, %s, hw 0x%08X v%d, fw %d.%d.%d", h.Version, h.FWVersion, h.HWID, h.HWRev, h.Ver[0], h.Ver[1], h.Ver[2]),
		Attrs: map[string]string{
			"tplink.version": u(h.Version), "tplink.fw_version": h.FWVersion,
			"tplink.hw_id": fmt.Sprintf("0x%08X", h.HWID), "tplink.hw_rev": u(h.HWRev), "tplink.hw_ver_add": u(h.HWVerAdd),
			"tplink.fw_ver":      fmt.Sprintf("%d.%d.%d", h.Ver[0], h.Ver[1], h.Ver[2]),
			"tplink.sw_ver":      fmt.Sprintf("%d.%d", h.SVer[0], h.SVer[1]),
			"tplink.kernel_load": hexAttr(h.KernelLA), "tplink.kernel_entry": hexAttr(h.KernelEP),
			"tplink.fw_length":  u(h.FWLength),
			"tplink.kernel_ofs": hexAttr(h.KernelOfs), "tplink.kernel_len": u(h.KernelLen),
			"tplink.md5": hex.EncodeToString(h.MD5),
		}}
	// The writer sets these constants; other values are worth a look, not a refusal.
	if h.Unk4 != 0x55aa || h.Unk5 != 0xa5 {
		c.Attrs["tplink.markers"] = fmt.Sprintf("0x%04X 0x%02X (writer sets 0x55AA 0xA5)", h.Unk4, h.Unk5)
	}
	need := int64(h.KernelOfs) + int64(h.KernelLen)
	if !unset(h.BootLen) {
		c.Attrs["tplink.boot_len"] = u(h.BootLen)
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + tplinkV2HdrSize + int64(h.BootOfs), Name: "bootloader"})
	}
	c.Hints = append(c.Hints, extractors.Hint{Offset: off + int64(h.KernelOfs), Size: int64(h.KernelLen), Name: "kernel"})
	if h.rootfs() {
		c.Attrs["tplink.rootfs_ofs"], c.Attrs["tplink.rootfs_len"] = hexAttr(h.RootfsOfs), u(h.RootfsLen)
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + int64(h.RootfsOfs), Size: int64(h.RootfsLen), Name: "rootfs"})
		need = max(need, int64(h.RootfsOfs)+int64(h.RootfsLen))
	}
	if need > size-off {
		c.Attrs["tplink.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, need)
	}
	return c, nil
}

// Extract checks md5sum1 against every end the header allows for the file.
func (TPLinkV2) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	h, _, err := reparse("tplink-v2", r, c, tplinkV2HdrSize, c.End, parseTPLinkV2)
	if err != nil {
		return c.Start, err
	}
	salt := tplinkV2SaltNormal
	if !unset(h.BootLen) {
		salt = tplinkV2SaltBoot
	}
	ends := []int64{int64(h.FWLength), int64(h.KernelOfs) + int64(h.KernelLen)}
	if h.rootfs() {
		ends = append(ends, int64(h.RootfsOfs)+int64(h.RootfsLen))
	}
	sums, _ := md5Prefixes(ctx, r, c.Start, 0x40, salt, ends)
	if ctx.Err() != nil {
		return c.End, ctx.Err()
	}
	verdict := "mismatch: stored " + hex.EncodeToString(h.MD5)
	if len(sums) == 0 {
		verdict = "unchecked: image truncated"
	}
	for _, e := range slices.Sorted(maps.Keys(sums)) {
		if bytes.Equal(sums[e], h.MD5) {
			verdict = fmt.Sprintf("ok (%d bytes)", e)
			break
		}
	}
	dst.Note("tplink.md5_check", verdict)
	return c.End, nil
}

// md5Prefixes hashes [off, off+end) for each end with the 16 bytes at off+at
// replaced by salt, in one pass, taking a sum at each end. Ends past the data
// present are left out; the data's own end is put in instead.
func md5Prefixes(ctx context.Context, r io.ReaderAt, off, at int64, salt []byte, ends []int64) (map[int64][]byte, error) {
	ends = slices.Clone(ends)
	slices.Sort(ends)
	ends = slices.Compact(ends)
	sums := map[int64][]byte{}
	h := md5.New()
	pos := int64(0)
	for _, e := range ends {
		if e < at+int64(len(salt)) {
			continue
		}
		if pos < at {
			if _, err := sumRange(ctx, h, r, off, at); err != nil {
				return sums, ctx.Err()
			}
			h.Write(salt)
			pos = at + int64(len(salt))
		}
		if n, err := sumRange(ctx, h, r, off+pos, e-pos); err != nil {
			if ctx.Err() == nil && pos+n > at+int64(len(salt)) {
				sums[pos+n] = h.Sum(nil) // the data's end: a file with jffs2 padding ends there
			}
			return sums, ctx.Err()
		}
		pos = e
		sums[e] = h.Sum(nil) // Sum leaves the running state as it is
	}
	return sums, nil
}
