package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Ubiquiti firmware (OpenWrt firmware-utils mkfwimage.c), big-endian:
//
//	header  "UBNT" (or "OPEN"), version[256], crc u32, pad u32: 268 bytes;
//	        crc is the CRC-32 of magic and version.
//	parts   "PART", name[16], pad[12], memaddr, index, baseaddr, entryaddr,
//	        data_size, part_size: 56 bytes; data_size bytes of data; then
//	        crc u32 (of the part header and data) and pad u32.
//	trailer "END.", crc u32 (of everything before it), pad u32.
//
// The chunk is the header; each part's data is a Hint named by the part, so
// the part headers between them stay as small gaps.
const (
	ubntHdr      = 268
	ubntPartHdr  = 56
	ubntMaxParts = 32
)

// UBNT handles Ubiquiti UBNT/OPEN firmware images.
type UBNT struct{}

func (UBNT) Name() string { return "ubnt" }

func (UBNT) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("UBNT")}, {Bytes: []byte("OPEN")}}
}

type ubntPart struct {
	Name       string
	Data, Size int64  // data offset from the image start, data size
	CRC        string // the check's verdict, when asked for
	Mem, Entry uint32
}

// parseUBNT walks the parts. Parts only move forward: each starts where the
// previous one's CRC ends.
// With ctx set, it also checks each part's CRC.
func parseUBNT(ctx context.Context, r io.ReaderAt, off, size int64) (version string, parts []ubntPart, end int64, err error) {
	b, err := extractors.ReadAt(r, off, ubntHdr, size)
	if err != nil {
		return "", nil, 0, fmt.Errorf("short header")
	}
	be := binary.BigEndian
	if m := string(b[:4]); m != "UBNT" && m != "OPEN" {
		return "", nil, 0, fmt.Errorf("no magic")
	}
	if !printable(b[4:260]) || b[4] == 0 {
		return "", nil, 0, fmt.Errorf("version not text")
	}
	if crc32.ChecksumIEEE(b[:260]) != be.Uint32(b[260:]) {
		return "", nil, 0, fmt.Errorf("header CRC")
	}
	version = cstr(b[4:260])
	pos := off + ubntHdr
	for len(parts) <= ubntMaxParts {
		m, err := extractors.ReadAt(r, pos, 4, size)
		if err != nil {
			return version, parts, pos, fmt.Errorf("truncated at 0x%X", pos-off)
		}
		if string(m) == "END." {
			return version, parts, pos + 12, nil
		}
		if string(m) != "PART" {
			return version, parts, pos, fmt.Errorf("no PART or END. at 0x%X", pos-off)
		}
		p, err := extractors.ReadAt(r, pos, ubntPartHdr, size)
		if err != nil {
			return version, parts, pos, fmt.Errorf("part header truncated at 0x%X", pos-off)
		}
		ds := int64(be.Uint32(p[0x30:]))
		if ds > size-pos-ubntPartHdr-8 {
			return version, parts, pos, fmt.Errorf("part %q of %d bytes past the end", cstr(p[4:20]), ds)
		}
		part := ubntPart{Name: cstr(p[4:20]), Data: pos + ubntPartHdr - off, Size: ds,
			Mem: be.Uint32(p[0x20:]), Entry: be.Uint32(p[0x2c:])}
		if ctx != nil {
			crcb, err := extractors.ReadAt(r, pos+ubntPartHdr+ds, 4, size)
			if err != nil {
				// The blob may be shorter than the size it was said to have.
				return version, parts, pos, fmt.Errorf("part %q CRC truncated", cstr(p[4:20]))
			}
			h := crc32.NewIEEE()
			if _, err := sumRange(ctx, h, r, pos, ubntPartHdr+ds); err != nil {
				return version, parts, pos, err
			}
			part.CRC = checkNote(h.Sum32() == be.Uint32(crcb), hexAttr(be.Uint32(crcb)), hexAttr(h.Sum32()))
		}
		parts = append(parts, part)
		pos += ubntPartHdr + ds + 8
	}
	return version, parts, pos, fmt.Errorf("more than %d parts", ubntMaxParts)
}

func (UBNT) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	version, parts, _, err := parseUBNT(nil, r, off, size)
	if err != nil && len(parts) == 0 {
		return extractors.Chunk{}, extractors.NotFormat("ubnt", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + ubntHdr, Confidence: extractors.High,
		Attrs: map[string]string{"ubnt.version": version, "ubnt.parts": strconv.Itoa(len(parts))}}
	var names []string
	for _, p := range parts {
		names = append(names, p.Name)
		c.Attrs["ubnt.part."+p.Name+".size"] = strconv.FormatInt(p.Size, 10)
		c.Attrs["ubnt.part."+p.Name+".load"] = hexAttr(p.Mem)
		c.Attrs["ubnt.part."+p.Name+".entry"] = hexAttr(p.Entry)
		c.Hints = append(c.Hints, extractors.Hint{Offset: off + p.Data, Size: p.Size, Name: p.Name})
	}
	if err != nil {
		c.Attrs["ubnt.error"] = err.Error()
	}
	c.Info = fmt.Sprintf("Ubiquiti firmware %s, parts %s", version, strings.Join(names, ", "))
	return c, nil
}

// Extract checks the CRC of each part.
func (UBNT) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	_, parts, _, err := parseUBNT(ctx, r, c.Start, math.MaxInt64)
	for _, p := range parts {
		dst.Note("ubnt.part."+p.Name+".crc_check", p.CRC)
	}
	if ctx.Err() != nil {
		return c.End, ctx.Err()
	}
	if err != nil {
		return c.End, extractors.Errorf("ubnt", c.Start, "%v", err)
	}
	return c.End, nil
}
