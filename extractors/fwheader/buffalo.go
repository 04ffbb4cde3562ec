package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// Buffalo firmware tag (OpenWrt firmware-utils buffalo-lib.h, buffalo-tag.c),
// big-endian, three layouts sharing their first 0x88 bytes:
//
//	0x00 product[32]  0x20 brand[32]  0x40 ver_major[8]  0x48 ver_minor[8]
//	0x50 region_code[2]  0x52 region_mask  0x56 unknown[2]  0x58 language[8]
//	0x60 platform[8]  0x68 hwv[4] ("hwv")  0x6C hwv_val[4]  0x70 unknown[24]
//
//	tag  (one file, 0xA0 bytes): 0x88 len (whole image)  0x8C crc  0x90 base1
//	     0x94 base2  0x98 data_len  0x9C flag
//	tag2 (two files, 0x9C bytes): 0x88 total_len  0x8C crc  0x90 len1
//	     0x94 len2  0x98 flag
//	tag3 (DHP boards, 0x98 bytes): 0x88 total_len (len1 + 200)  0x8C crc (0)
//	     0x90 len1  0x94 base2
//
// There is no magic: the layout is told by which length equation holds. The
// CRC is POSIX cksum's (MSB-first CRC-32, the length appended, inverted) of
// the whole image with the crc field zero; tag3 has none.
const buffaloCommon = 0x88

type buffaloTag struct {
	Layout                 string
	Hdr                    int64 // header size: the first file follows
	Total                  int64 // image length the CRC covers (0: none)
	CRC                    uint32
	Files                  []int64 // file lengths
	Product, Brand, Ver    string
	Region, Language, Plat string
	HWVer                  string
	Base1, Base2           uint32
	Flag                   uint8
}

func parseBuffaloTag(b []byte) (buffaloTag, error) {
	be := binary.BigEndian
	for _, f := range [][]byte{b[0:0x20], b[0x20:0x40], b[0x40:0x48], b[0x48:0x50], b[0x58:0x60], b[0x60:0x68], b[0x68:0x70]} {
		if !printable(f) {
			return buffaloTag{}, fmt.Errorf("text field not text")
		}
	}
	t := buffaloTag{Product: cstr(b[0:0x20]), Brand: cstr(b[0x20:0x40]), Ver: cstr(b[0x40:0x48]) + "/" + cstr(b[0x48:0x50]),
		Region: cstr(b[0x50:0x52]), Language: cstr(b[0x58:0x60]), Plat: cstr(b[0x60:0x68]), CRC: be.Uint32(b[0x8c:])}
	if t.Product == "" {
		return t, fmt.Errorf("no product")
	}
	if cstr(b[0x68:0x6c]) == "hwv" {
		t.HWVer = cstr(b[0x6c:0x70])
	}
	u := func(o int) int64 { return int64(be.Uint32(b[o:])) }
	total := u(0x88)
	switch {
	case total == 0xa0+u(0x98):
		t.Layout, t.Hdr, t.Total, t.Files = "tag", 0xa0, total, []int64{u(0x98)}
		t.Base1, t.Base2, t.Flag = be.Uint32(b[0x90:]), be.Uint32(b[0x94:]), b[0x9c]
	case total == 0x9c+u(0x90)+u(0x94):
		t.Layout, t.Hdr, t.Total, t.Files, t.Flag = "tag2", 0x9c, total, []int64{u(0x90), u(0x94)}, b[0x98]
	case total == u(0x90)+200 && t.CRC == 0:
		t.Layout, t.Hdr, t.Files, t.Base2 = "tag3", 0x98, []int64{u(0x90)}, be.Uint32(b[0x94:])
	default:
		return t, fmt.Errorf("lengths fit no tag layout")
	}
	return t, nil
}

// BuffaloTag handles the Buffalo firmware tag of AirStation images.
type BuffaloTag struct{}

func (BuffaloTag) Name() string { return "buffalo-tag" }

// Magics: the brand field, which every known image fills with "Buffalo".
func (BuffaloTag) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("Buffalo\x00"), Offset: 0x20}}
}

func (BuffaloTag) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, 0xa0, size)
	if err != nil {
		// tag3 images can be shorter than the largest layout's header.
		if b, err = extractors.ReadAt(r, off, 0x98, size); err != nil {
			return extractors.Chunk{}, extractors.NotFormat("buffalo-tag", "short header")
		}
		b = append(b, make([]byte, 8)...)
	}
	t, err := parseBuffaloTag(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("buffalo-tag", err.Error())
	}
	if off+t.Hdr > size {
		return extractors.Chunk{}, extractors.NotFormat("buffalo-tag", "short header")
	}
	c := extractors.Chunk{Start: off, End: off + t.Hdr, Confidence: extractors.High,
		Info: fmt.Sprintf("Buffalo %s, %s %s, version %s, platform %s", t.Layout, t.Brand, t.Product, t.Ver, t.Plat),
		Attrs: map[string]string{"buffalo.layout": t.Layout, "buffalo.product": t.Product, "buffalo.brand": t.Brand,
			"buffalo.version": t.Ver, "buffalo.region": t.Region, "buffalo.language": t.Language, "buffalo.platform": t.Plat}}
	if t.HWVer != "" {
		c.Attrs["buffalo.hw_version"] = t.HWVer
	}
	if t.Layout == "tag" {
		c.Attrs["buffalo.base1"], c.Attrs["buffalo.base2"] = hexAttr(t.Base1), hexAttr(t.Base2)
	}
	if t.Layout != "tag3" {
		c.Attrs["buffalo.crc"] = hexAttr(t.CRC)
	}
	at := c.End
	for i, n := range t.Files {
		c.Attrs["buffalo.file"+strconv.Itoa(i+1)+"_len"] = strconv.FormatInt(n, 10)
		if n > 0 {
			c.Hints = append(c.Hints, extractors.Hint{Offset: at, Name: "file" + strconv.Itoa(i+1)})
		}
		at += n
	}
	if at > size {
		c.Attrs["buffalo.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, at-off)
	}
	return c, nil
}

// Extract checks the tag's CRC over the whole image.
func (BuffaloTag) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, int(c.End-c.Start), c.End)
	if err != nil {
		return c.Start, extractors.Wrap("buffalo-tag", c.Start, err, "header")
	}
	b = append(b, make([]byte, 0xa0-len(b))...)
	t, err := parseBuffaloTag(b)
	if err != nil {
		return c.Start, extractors.Errorf("buffalo-tag", c.Start, "%v", err)
	}
	if t.Total == 0 {
		return c.End, nil
	}
	var s cksum
	s.Write(b[:0x8c])
	s.Write([]byte{0, 0, 0, 0})
	if _, err := sumRange(ctx, &s, r, c.Start+0x90, t.Total-0x90); err != nil {
		if ctx.Err() != nil {
			return c.End, ctx.Err()
		}
		dst.Note("buffalo.crc_check", "unchecked: image truncated")
		return c.End, nil
	}
	dst.Note("buffalo.crc_check", checkNote(s.sum() == t.CRC, hexAttr(t.CRC), hexAttr(s.sum())))
	return c.End, nil
}

// cksumTable is the MSB-first CRC-32 table (polynomial 0x04C11DB7) of POSIX
// cksum; hash/crc32 has only the reflected form.
var cksumTable = func() (t [256]uint32) {
	for i := range t {
		c := uint32(i) << 24
		for range 8 {
			if c&0x80000000 != 0 {
				c = c<<1 ^ 0x04c11db7
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return t
}()

// cksum is POSIX cksum as a writer: the CRC of the bytes, then of their
// count (least significant byte first, while non-zero), inverted.
type cksum struct {
	crc uint32
	n   uint64
}

func (s *cksum) Write(p []byte) (int, error) {
	c := s.crc
	for _, b := range p {
		c = c<<8 ^ cksumTable[byte(c>>24)^b]
	}
	s.crc = c
	s.n += uint64(len(p))
	return len(p), nil
}

func (s *cksum) sum() uint32 {
	c := s.crc
	for n := s.n; n != 0; n >>= 8 {
		c = c<<8 ^ cksumTable[byte(c>>24)^byte(n)]
	}
	return ^c
}
