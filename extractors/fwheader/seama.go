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

// SEAMA header of D-Link's newer firmware (OpenWrt firmware-utils seama.h),
// big-endian: magic 0x5EA3A417, reserved u16, metasize u16, size u32 (the
// image after the metadata), MD5 of the image; then metasize bytes of
// NUL-separated "key=value" metadata. A "sealed" outer SEAMA has size 0 and
// holds the signature in its metadata; the inner SEAMA follows it.
const (
	seamaHdr     = 28
	seamaMaxMeta = 4096
)

// SEAMA handles D-Link SEAMA headers.
type SEAMA struct{}

func (SEAMA) Name() string { return "seama" }

func (SEAMA) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x5E, 0xA3, 0xA4, 0x17}}}
}

func (SEAMA) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, seamaHdr, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("seama", "short header")
	}
	be := binary.BigEndian
	if be.Uint32(b) != 0x5EA3A417 {
		return extractors.Chunk{}, extractors.NotFormat("seama", "no magic")
	}
	meta, n := int(be.Uint16(b[6:])), int64(be.Uint32(b[8:]))
	if be.Uint16(b[4:]) != 0 || meta > seamaMaxMeta || meta%4 != 0 {
		return extractors.Chunk{}, extractors.NotFormat("seama", "reserved field or metadata size")
	}
	mb, err := extractors.ReadAt(r, off+seamaHdr, meta, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("seama", "metadata truncated")
	}
	var kv []string
	for _, s := range strings.Split(string(bytes.TrimRight(mb, "\x00")), "\x00") {
		if s == "" {
			continue
		}
		if !printable([]byte(s)) || !strings.Contains(s, "=") {
			return extractors.Chunk{}, extractors.NotFormat("seama", "metadata not key=value text")
		}
		kv = append(kv, s)
	}
	data := off + seamaHdr + int64(meta)
	c := extractors.Chunk{Start: off, End: data, Confidence: extractors.High,
		Info:  fmt.Sprintf("SEAMA, %d bytes, %s", n, strings.Join(kv, " ")),
		Attrs: map[string]string{"seama.size": strconv.FormatInt(n, 10), "seama.md5": hex.EncodeToString(b[12:28])}}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		c.Attrs["seama.meta."+k] = v
	}
	if n > 0 && n > size-data {
		c.Attrs["seama.truncated"] = fmt.Sprintf("%d of %d bytes present", size-data, n)
	}
	if data < size {
		c.Hints = []extractors.Hint{{Offset: data, Name: "image"}}
	}
	return c, nil
}

// Extract checks the MD5 of the image.
func (SEAMA) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, seamaHdr, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("seama", c.Start, err, "header")
	}
	n := int64(binary.BigEndian.Uint32(b[8:]))
	if n == 0 {
		return c.End, nil // a seal: the signature is in the metadata
	}
	h := md5.New()
	if _, err := sumRange(ctx, h, r, c.End, n); err != nil {
		if ctx.Err() != nil {
			return c.End, ctx.Err()
		}
		dst.Note("seama.md5_check", "unchecked: image truncated")
		return c.End, nil
	}
	dst.Note("seama.md5_check", checkNote(bytes.Equal(h.Sum(nil), b[12:28]), hex.EncodeToString(b[12:28]), hex.EncodeToString(h.Sum(nil))))
	return c.End, nil
}
