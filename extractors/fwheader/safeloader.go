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
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// TP-Link safeloader factory image (OpenWrt firmware-utils tplink-safeloader.c):
//
//	0x0000 image size (BE, whole file)  0x0004 MD5 of salt + bytes from 0x14
//	0x0014 vendor block, 0x1000 bytes: a BE length and that much text, 0xFF fill
//	       (or "fw-type:Cloud..." on cloud images)
//	0x1014 image partition table, 0x800 bytes of lines
//	       "fwup-ptn NAME base 0xHEX size 0xHEX\t\r\n", then a NUL
//	0x1814 the partitions; bases count from 0x1014
//
// Newer images start with "?NEW": MD5 first, then a size that leaves out the
// 0x14-byte preamble, and 0x3C more header bytes before the vendor block, so
// the table sits at 0x1050. Their MD5 is not understood, so it is not checked.
//
// The metadata partitions (soft-version, support-list: a BE length, a zero
// word, the data) are decoded into Attrs: they name the models the image is
// for. The others (os-image, file-system, ...) become hints.
const (
	safeloaderPreamble = 0x14
	safeloaderPayload  = 0x1014
	safeloaderQNEW     = 0x1050
	safeloaderTable    = 0x800
	safeloaderMaxMeta  = 4096 // bytes of a metadata partition worth reporting
)

var safeloaderSalt = []byte{0x7a, 0x2b, 0x15, 0xed, 0x9b, 0x98, 0x59, 0x6d, 0xe5, 0x04, 0xab, 0x44, 0xac, 0x2a, 0x9f, 0x4e}

type safeloaderPart struct {
	Name       string
	Base, Size uint32
}

type safeloaderImage struct {
	Type    string // vendor, cloud, default, qnew
	Payload int64  // offset of the partition table
	Total   int64  // image size
	MD5     []byte
	Vendor  string
	Parts   []safeloaderPart
}

// parseSafeloader reads the preamble, vendor block and partition table of the
// image at off; payload is where the magic placed the table.
func parseSafeloader(r io.ReaderAt, off, size, payload int64) (safeloaderImage, error) {
	b, err := extractors.ReadAt(r, off, int(payload+safeloaderTable), size)
	if err != nil {
		return safeloaderImage{}, fmt.Errorf("short image")
	}
	be := binary.BigEndian
	im := safeloaderImage{Payload: payload}
	qnew := string(b[0x14:0x18]) == "?NEW"
	switch {
	case qnew != (payload == safeloaderQNEW):
		return im, fmt.Errorf("table at 0x%X in a %s image", payload, map[bool]string{true: "?NEW", false: "classic"}[qnew])
	case qnew:
		im.Type, im.MD5, im.Total = "qnew", b[:16], int64(be.Uint32(b[16:]))+safeloaderPreamble
	default:
		im.Type, im.MD5, im.Total = "default", b[4:20], int64(be.Uint32(b))
		if bytes.HasPrefix(b[0x14:], []byte("fw-type:Cloud")) {
			im.Type = "cloud"
		} else if n := be.Uint32(b[0x14:]); n <= 0x1000-4 {
			im.Type = "vendor"
			im.Vendor = textLines(b[0x18 : 0x18+n])
		}
	}
	if im.Total < payload+safeloaderTable {
		return im, fmt.Errorf("image size %d", im.Total)
	}
	table := b[payload:]
	for len(im.Parts) < 32 {
		line, rest, ok := bytes.Cut(table, []byte("\n"))
		if !ok || !bytes.HasPrefix(line, []byte("fwup-ptn ")) {
			break
		}
		table = rest
		f := strings.Fields(string(line))
		if len(f) != 6 || f[2] != "base" || f[4] != "size" || len(f[1]) > 31 || !printable([]byte(f[1])) {
			return im, fmt.Errorf("partition line %q", cstr(line))
		}
		base, err1 := strconv.ParseUint(f[3], 0, 32)
		n, err2 := strconv.ParseUint(f[5], 0, 32)
		if err1 != nil || err2 != nil || base < safeloaderTable {
			return im, fmt.Errorf("partition line %q", cstr(line))
		}
		im.Parts = append(im.Parts, safeloaderPart{Name: f[1], Base: uint32(base), Size: uint32(n)})
	}
	if len(im.Parts) == 0 {
		return im, fmt.Errorf("no partitions")
	}
	return im, nil
}

// Safeloader handles TP-Link safeloader factory images (Archer, CPE, EAP, Deco).
type Safeloader struct{}

func (Safeloader) Name() string { return "tplink-safeloader" }

// Magics: the first table line, at the offset each preamble puts it.
func (Safeloader) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte("fwup-ptn "), Offset: safeloaderPayload},
		{Bytes: []byte("fwup-ptn "), Offset: safeloaderQNEW},
	}
}

func (Safeloader) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	var im safeloaderImage
	var err error
	for _, p := range []int64{safeloaderPayload, safeloaderQNEW} {
		if im, err = parseSafeloader(r, off, size, p); err == nil {
			break
		}
	}
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("tplink-safeloader", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + im.Payload + safeloaderTable, Confidence: extractors.High,
		Attrs: map[string]string{"safeloader.type": im.Type, "safeloader.size": strconv.FormatInt(im.Total, 10),
			"safeloader.md5": hex.EncodeToString(im.MD5)}}
	if im.Vendor != "" {
		c.Attrs["safeloader.vendor"] = im.Vendor
	}
	var names []string
	for _, p := range im.Parts {
		names = append(names, p.Name)
		c.Attrs["safeloader.ptn."+p.Name] = fmt.Sprintf("0x%X+0x%X", p.Base, p.Size)
		at := off + im.Payload + int64(p.Base)
		if int64(p.Base)+int64(p.Size) > im.Total-im.Payload {
			c.Attrs["safeloader.ptn."+p.Name] += " (past the image end)"
		}
		if at >= off+im.Total {
			continue
		}
		if meta := safeloaderMeta(r, at, int64(p.Size), size); meta != nil {
			switch {
			case p.Name == "partition-table" || strings.HasPrefix(p.Name, "partition-table@"):
				c.Attrs["safeloader.flash_layout"] = flashLayout(meta)
				continue // the flash layout, text with a 4-byte prefix
			case strings.HasPrefix(p.Name, "soft-version"):
				softVersion(c.Attrs, meta)
			case strings.HasPrefix(p.Name, "support-list"):
				c.Attrs["safeloader.support_list"] = metaText(meta)
			}
		}
		c.Hints = append(c.Hints, extractors.Hint{Offset: at, Size: int64(p.Size), Name: p.Name})
	}
	c.Info = fmt.Sprintf("TP-Link safeloader (%s), %d bytes, partitions %s", im.Type, im.Total, strings.Join(names, " "))
	if im.Total > size-off {
		c.Attrs["safeloader.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, im.Total)
	}
	return c, nil
}

// safeloaderMeta reads up to safeloaderMaxMeta bytes of the partition at off
// of n bytes, or nil when nothing of it is present.
func safeloaderMeta(r io.ReaderAt, off, n, size int64) []byte {
	n = min(n, safeloaderMaxMeta, size-off)
	if n <= 0 {
		return nil
	}
	b, err := extractors.ReadAt(r, off, int(n), size)
	if err != nil {
		return nil
	}
	return b
}

// metaBody is the data of a metadata partition: a BE length, a zero word, the data.
func metaBody(b []byte) []byte {
	if len(b) < 8 {
		return nil
	}
	n := int(min(binary.BigEndian.Uint32(b), uint32(len(b)-8)))
	return b[8 : 8+n]
}

// metaText is a metadata partition's text.
func metaText(b []byte) string { return textLines(metaBody(b)) }

// textLines is the NUL-terminated text at the start of b, its non-empty lines
// (CRLF or LF) made safe with cstr and joined by "\n".
func textLines(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	var lines []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimSpace(cstr([]byte(strings.TrimSpace(l)))); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// softVersion decodes the soft-version partition: 0xFF, version major, minor,
// patch, BCD year (two bytes), month, day, BE revision and, when present, the
// BE compatibility level; or, on boards that set it so, plain text.
func softVersion(attrs map[string]string, b []byte) {
	d := metaBody(b)
	if len(d) < 12 || d[0] != 0xff {
		if t := metaText(b); t != "" {
			attrs["safeloader.soft_version"] = t
		}
		return
	}
	attrs["safeloader.soft_version"] = fmt.Sprintf("%d.%d.%d", d[1], d[2], d[3])
	attrs["safeloader.date"] = fmt.Sprintf("%02x%02x-%02x-%02x", d[4], d[5], d[6], d[7])
	attrs["safeloader.revision"] = strconv.FormatUint(uint64(binary.BigEndian.Uint32(d[8:])), 10)
	if len(d) >= 16 {
		attrs["safeloader.compat_level"] = strconv.FormatUint(uint64(binary.BigEndian.Uint32(d[12:])), 10)
	}
}

// flashLayout compacts the flash partition table ("partition NAME base 0xHEX
// size 0xHEX" lines after a 4-byte prefix) to "NAME@BASE+SIZE ...".
func flashLayout(b []byte) string {
	if len(b) < 4 {
		return ""
	}
	var out []string
	for _, l := range strings.Split(textLines(b[4:]), "\n") {
		f := strings.Fields(l)
		if len(f) == 6 && f[0] == "partition" && f[2] == "base" && f[4] == "size" {
			out = append(out, f[1]+"@"+f[3]+"+"+f[5])
		}
	}
	return strings.Join(out, " ")
}

// Extract checks the image MD5 (salt, then everything after the preamble).
func (Safeloader) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	im, err := parseSafeloader(r, c.Start, c.End, c.End-c.Start-safeloaderTable)
	if err != nil {
		return c.Start, extractors.Errorf("tplink-safeloader", c.Start, "%v", err)
	}
	if im.Type == "qnew" {
		dst.Note("safeloader.md5_check", "unchecked: ?NEW preamble")
		return c.End, nil
	}
	h := md5.New()
	h.Write(safeloaderSalt)
	if _, err := sumRange(ctx, h, r, c.Start+safeloaderPreamble, im.Total-safeloaderPreamble); err != nil {
		if ctx.Err() != nil {
			return c.End, ctx.Err()
		}
		dst.Note("safeloader.md5_check", "unchecked: image truncated")
		return c.End, nil
	}
	dst.Note("safeloader.md5_check", checkNote(bytes.Equal(h.Sum(nil), im.MD5), hex.EncodeToString(im.MD5), hex.EncodeToString(h.Sum(nil))))
	return c.End, nil
}
