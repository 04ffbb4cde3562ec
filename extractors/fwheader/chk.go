package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// Netgear CHK header (OpenWrt firmware-utils mkchkimg.c), big-endian:
//
//	0x00 magic "*#$^"  0x04 header_len  0x08 reserved[8]
//	0x10 kernel_chksum 0x14 rootfs_chksum 0x18 kernel_len 0x1C rootfs_len
//	0x20 image_chksum  0x24 header_chksum 0x28 board_id (to header_len)
//
// The kernel follows the header and the rootfs the kernel. Checksums are
// Netgear's two-sum (Fletcher-like) over the part, the header's computed with
// its own field zero.
const chkFixed = 0x28

type chkHeader struct {
	HeaderLen            uint32
	KernelSum, RootfsSum uint32
	KernelLen, RootfsLen uint32
	ImageSum, HeaderSum  uint32
	BoardID              string
}

func parseCHK(b []byte, size int64) (chkHeader, error) {
	be := binary.BigEndian
	if string(b[:4]) != "*#$^" {
		return chkHeader{}, fmt.Errorf("no magic")
	}
	h := chkHeader{HeaderLen: be.Uint32(b[4:]), KernelSum: be.Uint32(b[0x10:]), RootfsSum: be.Uint32(b[0x14:]),
		KernelLen: be.Uint32(b[0x18:]), RootfsLen: be.Uint32(b[0x1c:]), ImageSum: be.Uint32(b[0x20:]), HeaderSum: be.Uint32(b[0x24:])}
	if h.HeaderLen < chkFixed || h.HeaderLen > chkFixed+64 || int64(h.HeaderLen) > size {
		return h, fmt.Errorf("header length %d", h.HeaderLen)
	}
	if h.KernelLen == 0 {
		return h, fmt.Errorf("no kernel")
	}
	return h, nil
}

// netgearSum is the checksum of mkchkimg.c: two running sums folded to 16 bits.
type netgearSum struct{ c0, c1 uint32 }

func (s *netgearSum) Write(p []byte) (int, error) {
	for _, c := range p {
		s.c0 += uint32(c)
		s.c1 += s.c0
	}
	return len(p), nil
}

func (s *netgearSum) sum() uint32 {
	fold := func(v uint32) uint32 {
		b := v&0xFFFF + v>>16
		return (b>>16 + b) & 0xFFFF
	}
	return fold(s.c1)<<16 | fold(s.c0)
}

// CHK handles Netgear CHK images.
type CHK struct{}

func (CHK) Name() string { return "chk" }

func (CHK) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: []byte("*#$^")}} }

func (CHK) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, chkFixed, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("chk", "short header")
	}
	h, err := parseCHK(b, size-off)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("chk", err.Error())
	}
	hb, err := extractors.ReadAt(r, off, int(h.HeaderLen), size)
	if err != nil || !printable(hb[chkFixed:]) {
		return extractors.Chunk{}, extractors.NotFormat("chk", "board id not text")
	}
	h.BoardID = cstr(hb[chkFixed:])
	var s netgearSum
	s.Write(hb[:0x24])
	s.Write([]byte{0, 0, 0, 0})
	s.Write(hb[0x28:])
	if s.sum() != h.HeaderSum {
		return extractors.Chunk{}, extractors.NotFormat("chk", "header checksum")
	}
	kernel := off + int64(h.HeaderLen)
	c := extractors.Chunk{Start: off, End: kernel, Confidence: extractors.High,
		Info: fmt.Sprintf("Netgear CHK, board %q, kernel %d bytes, rootfs %d bytes", h.BoardID, h.KernelLen, h.RootfsLen),
		Attrs: map[string]string{"chk.board_id": h.BoardID, "chk.kernel_len": strconv.FormatUint(uint64(h.KernelLen), 10),
			"chk.rootfs_len": strconv.FormatUint(uint64(h.RootfsLen), 10)},
		Hints: []extractors.Hint{{Offset: kernel, Size: int64(h.KernelLen), Name: "kernel"}}}
	if h.RootfsLen > 0 {
		c.Hints = append(c.Hints, extractors.Hint{Offset: kernel + int64(h.KernelLen), Size: int64(h.RootfsLen), Name: "rootfs"})
	}
	return c, nil
}

// Extract checks the kernel, rootfs and image checksums.
func (CHK) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	h, _, err := reparse("chk", r, c, chkFixed, c.End, func(b []byte) (chkHeader, error) { return parseCHK(b, c.End-c.Start) })
	if err != nil {
		return c.Start, err
	}
	// The image sum runs over kernel then rootfs: it continues the kernel's.
	var kernel, rootfs, image netgearSum
	_, err1 := sumRange(ctx, &kernel, r, c.End, int64(h.KernelLen))
	image = kernel
	_, err2 := sumRange(ctx, io.MultiWriter(&rootfs, &image), r, c.End+int64(h.KernelLen), int64(h.RootfsLen))
	if ctx.Err() != nil {
		return c.End, ctx.Err()
	}
	if err1 != nil || err2 != nil {
		dst.Note("chk.checksums", "unchecked: image truncated")
		return c.End, nil
	}
	dst.Note("chk.kernel_checksum", checkNote(kernel.sum() == h.KernelSum, hexAttr(h.KernelSum), hexAttr(kernel.sum())))
	if h.RootfsLen > 0 {
		dst.Note("chk.rootfs_checksum", checkNote(rootfs.sum() == h.RootfsSum, hexAttr(h.RootfsSum), hexAttr(rootfs.sum())))
	}
	dst.Note("chk.image_checksum", checkNote(image.sum() == h.ImageSum, hexAttr(h.ImageSum), hexAttr(image.sum())))
	return c.End, nil
}
