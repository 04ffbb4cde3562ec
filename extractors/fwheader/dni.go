package fwheader

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Netgear DNI header (OpenWrt firmware-utils mkdniimg.c): 128 bytes of text,
// NUL-filled,
//
//	device:BOARD\nversion:VX.Y.Z\nregion:R\n[hd_id:ID\n]
//
// then the image, then one checksum byte that makes the bytes of the whole
// file sum to 0xFF. There is no length: the image runs to the file's last byte.
const dniHdrSize = 128

// dniMaxSum bounds the checksum pass, which runs to the end of the blob.
const dniMaxSum = 1 << 30

func parseDNI(b []byte) (map[string]string, error) {
	text, rest, _ := strings.Cut(string(b), "\x00")
	if strings.Trim(rest, "\x00") != "" {
		return nil, fmt.Errorf("bytes after the text")
	}
	kv := map[string]string{}
	for l := range strings.Lines(text) {
		k, v, ok := strings.Cut(strings.TrimSuffix(l, "\n"), ":")
		if !ok || k == "" || !printable([]byte(l[:len(l)-1])) || !strings.HasSuffix(l, "\n") {
			return nil, fmt.Errorf("line %q", cstr([]byte(l)))
		}
		kv[k] = v
	}
	if kv["device"] == "" || !strings.HasPrefix(kv["version"], "V") {
		return nil, fmt.Errorf("no device or version")
	}
	return kv, nil
}

// DNI handles the Netgear (Delta Networks) DNI header of WNR and WNDR images.
type DNI struct{}

func (DNI) Name() string { return "dni" }

func (DNI) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: []byte("device:")}} }

func (DNI) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, dniHdrSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("dni", "short header")
	}
	kv, err := parseDNI(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("dni", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + dniHdrSize, Confidence: extractors.High,
		Info:  fmt.Sprintf("Netgear DNI header, device %s, version %s, region %q", kv["device"], kv["version"], kv["region"]),
		Attrs: map[string]string{}}
	for k, v := range kv {
		c.Attrs["dni."+k] = v
	}
	if c.End < size {
		c.Hints = []extractors.Hint{{Offset: c.End, Name: "image"}}
	}
	return c, nil
}

// byteSum adds up bytes mod 256.
type byteSum struct{ s byte }

func (b *byteSum) Write(p []byte) (int, error) {
	for _, c := range p {
		b.s += c
	}
	return len(p), nil
}

// Extract checks the trailing checksum byte, taking the image to end with the
// blob (the header has no length).
func (DNI) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	var s byteSum
	n, err := sumRange(ctx, &s, r, c.Start, dniMaxSum)
	switch {
	case ctx.Err() != nil:
		return c.End, ctx.Err()
	case err == nil || n <= dniHdrSize:
		dst.Note("dni.checksum", "unchecked: no image end")
	case s.s == 0xff:
		dst.Note("dni.checksum", fmt.Sprintf("ok (image ends at 0x%X)", c.Start+n))
	default:
		dst.Note("dni.checksum", fmt.Sprintf("mismatch: bytes to 0x%X sum to 0x%02X, not 0xFF (or the image ends before the blob)", c.Start+n, s.s))
	}
	return c.End, nil
}
