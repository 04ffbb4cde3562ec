package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// Broadcom TRX header (OpenWrt tools/firmware-utils trx.c), little-endian:
// magic "HDR0", total length, CRC-32 over [12, length) without the final
// inversion, flags (low 16 bits) and version (high 16), then the partition
// offsets from the header start: 3 in version 1, 4 in version 2.
const trxMaxParts = 4

var trxNames = [trxMaxParts]string{"loader", "kernel", "rootfs", "bin-header"}

type trxHeader struct {
	Len, CRC       uint32
	Flags, Version uint16
	Offsets        []uint32 // non-zero offsets, in header order
	Names          []string
	HdrSize        int64
}

func parseTRX(b []byte) (trxHeader, error) {
	le := binary.LittleEndian
	if string(b[:4]) != "HDR0" {
		return trxHeader{}, fmt.Errorf("no magic")
	}
	h := trxHeader{Len: le.Uint32(b[4:]), CRC: le.Uint32(b[8:]), Flags: le.Uint16(b[12:]), Version: le.Uint16(b[14:])}
	parts := 3
	switch h.Version {
	case 1:
	case 2:
		parts = 4
	default:
		return h, fmt.Errorf("version %d", h.Version)
	}
	h.HdrSize = int64(16 + 4*parts)
	if int64(h.Len) < h.HdrSize {
		return h, fmt.Errorf("length %d shorter than the header", h.Len)
	}
	prev := uint32(0)
	for i := range parts {
		o := le.Uint32(b[16+4*i:])
		if o == 0 {
			continue
		}
		// Partitions follow the header and each other, inside the length.
		if int64(o) < h.HdrSize || o <= prev || o >= h.Len {
			return h, fmt.Errorf("partition %d offset 0x%X out of order or range", i, o)
		}
		prev = o
		h.Offsets = append(h.Offsets, o)
		h.Names = append(h.Names, trxNames[i])
	}
	if len(h.Offsets) == 0 {
		return h, fmt.Errorf("no partitions")
	}
	return h, nil
}

// TRX handles Broadcom TRX v1 and v2 containers (Linksys, Asus, Netgear,
// DD-WRT). The CRC is checked in Extract; the partitions are Hints.
type TRX struct{}

func (TRX) Name() string { return "trx" }

func (TRX) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: []byte("HDR0")}} }

func (TRX) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, 16+4*trxMaxParts, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("trx", "short header")
	}
	h, err := parseTRX(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("trx", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + h.HdrSize, Confidence: extractors.Medium,
		Info: fmt.Sprintf("TRX v%d, %d bytes, %d partitions", h.Version, h.Len, len(h.Offsets)),
		Attrs: map[string]string{"trx.version": strconv.Itoa(int(h.Version)), "trx.length": strconv.FormatUint(uint64(h.Len), 10),
			"trx.flags": fmt.Sprintf("0x%X", h.Flags), "trx.crc": hexAttr(h.CRC)}}
	if int64(h.Len) > size-off {
		c.Attrs["trx.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, h.Len)
	}
	// A partition ends where the next begins, the last at the TRX's end.
	for i, o := range h.Offsets {
		c.Attrs["trx."+h.Names[i]] = hexAttr(o)
		end := h.Len
		if i+1 < len(h.Offsets) {
			end = h.Offsets[i+1]
		}
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + int64(o), Size: int64(end - o), Name: h.Names[i]})
	}
	return c, nil
}

// Extract checks the CRC over the whole length and notes the verdict; a TRX
// whose CRC holds is certain, one whose CRC fails is still carved.
func (TRX) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	h, _, err := reparse("trx", r, c, 16+4*trxMaxParts, c.Start+32, parseTRX)
	if err != nil {
		return c.Start, err
	}
	sum, err := crcIEEE(ctx, r, c.Start+12, int64(h.Len)-12)
	if ctx.Err() != nil {
		return c.End, ctx.Err()
	}
	if err != nil {
		dst.Note("trx.crc_check", "unchecked: data truncated")
		return c.End, nil
	}
	sum = ^sum // trx.c keeps the register as is, without the final inversion
	dst.Note("trx.crc_check", checkNote(sum == h.CRC, hexAttr(h.CRC), hexAttr(sum)))
	return c.End, nil
}
