package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// D-Link DNS-313 header (OpenWrt firmware-utils dns313-header.c): the U-Boot
// legacy header (uimage.go) stretched to 0x68 bytes by three fields, with the
// header CRC taken over all 0x68, so a U-Boot reader refuses it:
//
//	0x40 model[16] ("dns-313v3")  0x50 version[16] ("2.01b04")  0x60 MAC[6]
//
// The boot loader reads it in front of the kernel, ramdisk and rootfs files
// on the disk's boot partition.
const dns313HdrSize = 0x68

// DNS313 handles D-Link DNS-313 boot files.
type DNS313 struct{}

func (DNS313) Name() string { return "dns313" }

// Magics: the U-Boot magic; the header CRC over 0x68 bytes tells the two apart.
func (DNS313) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x27, 0x05, 0x19, 0x56}}}
}

func parseDNS313(b []byte) (uimageHeader, bool) {
	h, _ := parseUImage(b)
	var z [dns313HdrSize]byte
	copy(z[:], b)
	clear(z[4:8])
	return h, binary.BigEndian.Uint32(b) == uimageMagic && crc32.ChecksumIEEE(z[:]) == h.HCRC
}

func (DNS313) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, dns313HdrSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("dns313", "short header")
	}
	h, ok := parseDNS313(b)
	if !ok {
		return extractors.Chunk{}, extractors.NotFormat("dns313", "header CRC over 0x68 bytes")
	}
	model, ver := cstr(b[0x40:0x50]), cstr(b[0x50:0x60])
	c := extractors.Chunk{Start: off, End: off + dns313HdrSize, Confidence: extractors.High,
		Info: fmt.Sprintf("D-Link DNS-313 header, %q, model %s, version %s, %d bytes", h.Name, model, ver, h.Size),
		Attrs: map[string]string{"dns313.name": h.Name, "dns313.model": model, "dns313.version": ver,
			"dns313.mac": net.HardwareAddr(b[0x60:0x66]).String(), "dns313.size": strconv.FormatUint(uint64(h.Size), 10),
			"dns313.load": hexAttr(h.Load), "dns313.entry": hexAttr(h.EP),
			"dns313.os": enumName(uimageOS, h.OS), "dns313.arch": enumName(uimageArch, h.Arch),
			"dns313.type": enumName(uimageType, h.Type), "dns313.compression": enumName(uimageComp, h.Comp)},
		Hints: []extractors.Hint{{Offset: off + dns313HdrSize, Name: "payload"}}}
	if int64(h.Size) > size-c.End {
		c.Attrs["dns313.truncated"] = fmt.Sprintf("%d of %d data bytes present", size-c.End, h.Size)
	}
	return c, nil
}

// Extract checks the data CRC.
func (DNS313) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, dns313HdrSize, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("dns313", c.Start, err, "header")
	}
	h, ok := parseDNS313(b)
	if !ok {
		return c.Start, extractors.Errorf("dns313", c.Start, "header CRC")
	}
	sum, err := crcIEEE(ctx, r, c.End, int64(h.Size))
	switch {
	case ctx.Err() != nil:
		return c.End, ctx.Err()
	case err != nil:
		dst.Note("dns313.dcrc", "unchecked: data truncated")
	default:
		dst.Note("dns313.dcrc", checkNote(sum == h.DCRC, hexAttr(h.DCRC), hexAttr(sum)))
	}
	return c.End, nil
}
