package fwheader

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// D-Link WRGG03 header (OpenWrt firmware-utils mkwrggimg.c, DAP and DIR
// models), 160 bytes:
//
//	0x00 signature[32] 0x20 magic1 0x24 magic2 (both 0x20080321)
//	0x28 version[16]   0x38 model[16]  0x48 flag[2] 0x50 reserve[2]
//	0x58 buildno[16]   0x68 size       0x6C offset  0x70 devname[32]
//	0x90 digest[16]: the MD5 of the size bytes of data that follow.
//
// The tool writes the numbers little-endian, or big-endian with -b.
const (
	wrggHdr   = 160
	wrggMagic = 0x20080321
)

// WRGG handles D-Link WRGG03 headers.
type WRGG struct{}

func (WRGG) Name() string { return "wrgg" }

// Magics: magic1 and magic2 in either byte order, 32 bytes in.
func (WRGG) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte{0x21, 0x03, 0x08, 0x20, 0x21, 0x03, 0x08, 0x20}, Offset: 0x20},
		{Bytes: []byte{0x20, 0x08, 0x03, 0x21, 0x20, 0x08, 0x03, 0x21}, Offset: 0x20},
	}
}

func parseWRGG(b []byte) (binary.ByteOrder, error) {
	o := extractors.Order(b[0x20:], wrggMagic)
	if o == nil || o.Uint32(b[0x24:]) != wrggMagic {
		return nil, fmt.Errorf("no magic")
	}
	for _, f := range [][2]int{{0, 32}, {0x28, 0x38}, {0x38, 0x48}, {0x58, 0x68}, {0x70, 0x90}} {
		if !printable(b[f[0]:f[1]]) {
			return nil, fmt.Errorf("text field at 0x%X", f[0])
		}
	}
	return o, nil
}

func (WRGG) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, wrggHdr, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("wrgg", "short header")
	}
	o, err := parseWRGG(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("wrgg", err.Error())
	}
	n := o.Uint32(b[0x68:])
	c := extractors.Chunk{Start: off, End: off + wrggHdr, Confidence: extractors.High,
		Info: fmt.Sprintf("D-Link WRGG03, %s %s, %d bytes", cstr(b[0x38:0x48]), cstr(b[0x28:0x38]), n),
		Attrs: map[string]string{"wrgg.signature": cstr(b[:32]), "wrgg.version": cstr(b[0x28:0x38]),
			"wrgg.model": cstr(b[0x38:0x48]), "wrgg.buildno": cstr(b[0x58:0x68]), "wrgg.devname": cstr(b[0x70:0x90]),
			"wrgg.size": strconv.FormatUint(uint64(n), 10), "wrgg.offset": hexAttr(o.Uint32(b[0x6c:]))}}
	if int64(n) > size-c.End {
		c.Attrs["wrgg.truncated"] = fmt.Sprintf("%d of %d bytes present", size-c.End, n)
	}
	if c.End < size {
		c.Hints = []extractors.Hint{{Offset: c.End, Name: "image"}}
	}
	return c, nil
}

// Extract checks the MD5 digest of the data.
func (WRGG) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	o, b, err := reparse("wrgg", r, c, wrggHdr, c.End, parseWRGG)
	if err != nil {
		return c.Start, err
	}
	h := md5.New()
	if _, err := sumRange(ctx, h, r, c.End, int64(o.Uint32(b[0x68:]))); err != nil {
		if ctx.Err() != nil {
			return c.End, ctx.Err()
		}
		dst.Note("wrgg.md5_check", "unchecked: image truncated")
		return c.End, nil
	}
	dst.Note("wrgg.md5_check", checkNote(bytes.Equal(h.Sum(nil), b[0x90:0xa0]), hex.EncodeToString(b[0x90:0xa0]), hex.EncodeToString(h.Sum(nil))))
	return c.End, nil
}
