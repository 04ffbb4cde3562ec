package compress

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/adler32"
	"hash/crc32"
	"io"

	"github.com/anchore/go-lzo"

	"github.com/fwstar/fwstar/extractors"
)

// Lzop handles .lzo files as lzop(1) writes them. No served module parses
// the lzop container (anchore/go-lzo decodes raw LZO1X blocks only), so the
// header and block framing are read here, from lzop's format description.
type Lzop struct{}

func (Lzop) Name() string { return "lzop" }

var lzopMagic = []byte{0x89, 'L', 'Z', 'O', 0x00, 0x0D, 0x0A, 0x1A, 0x0A}

func (Lzop) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: lzopMagic}} }

// Header flags (lzop's conf.h).
const (
	lzopAdler32D = 0x0001
	lzopAdler32C = 0x0002
	lzopHFilter  = 0x0800
	lzopCRC32D   = 0x0100
	lzopCRC32C   = 0x0200
	lzopHCRC32   = 0x1000
	// lzop refuses blocks over 64 MiB.
	lzopMaxBlock = 64 << 20
)

type lzopHeader struct {
	flags uint32
	name  string
	size  int64 // header bytes, magic included
}

func readLzopHeader(w *window, off int64) (lzopHeader, error) {
	// The fixed part is at most 38 bytes (version 0x0940 with a filter);
	// the name and the checksum follow it.
	b, err := w.at(off, 38)
	if err != nil {
		return lzopHeader{}, err
	}
	if !bytes.Equal(b[:9], lzopMagic) {
		return lzopHeader{}, fmt.Errorf("bad magic")
	}
	version := binary.BigEndian.Uint16(b[9:])
	if version < 0x0900 {
		return lzopHeader{}, fmt.Errorf("version %#x", version)
	}
	p := 13 // after magic, version, library version
	if version >= 0x0940 {
		p += 2 // version needed to extract
	}
	method := b[p]
	if method < 1 || method > 3 { // LZO1X-1, LZO1X-1(15), LZO1X-999
		return lzopHeader{}, fmt.Errorf("method %d", method)
	}
	p++
	if version >= 0x0940 {
		p++ // level
	}
	var h lzopHeader
	h.flags = binary.BigEndian.Uint32(b[p:])
	p += 4
	if h.flags&lzopHFilter != 0 {
		p += 4
	}
	p += 8 // mode, mtime low
	if version >= 0x0940 {
		p += 4 // mtime high
	}
	nl := int(b[p])
	p++
	full, err := w.at(off, p+nl+4)
	if err != nil {
		return lzopHeader{}, err
	}
	h.name = string(full[p : p+nl])
	var sum hash.Hash32 = adler32.New()
	if h.flags&lzopHCRC32 != 0 {
		sum = crc32.NewIEEE()
	}
	sum.Write(full[9 : p+nl])
	if sum.Sum32() != binary.BigEndian.Uint32(full[p+nl:]) {
		return lzopHeader{}, fmt.Errorf("header checksum")
	}
	h.size = int64(p + nl + 4)
	return h, nil
}

func (Lzop) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	h, err := readLzopHeader(newWindow(r, size), off)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("lzop", err.Error())
	}
	info := "lzop"
	if h.name != "" {
		info += ", name " + h.name
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.High, Info: info,
		Attrs: map[string]string{"lzop.name": h.name}}, nil
}

var lzopSuffixes = map[string]string{".lzo": "", ".tzo": ".tar"}

func (Lzop) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	h, err := readLzopHeader(newWindow(r, c.Start+4096), c.Start)
	if err != nil {
		return c.Start, extractors.Wrap("lzop", c.Start, err, "header")
	}
	lr := &lzopReader{r: r, pos: c.Start + h.size, flags: h.flags}
	err = dst.Blob(outName(r, c.Start, h.name, "lzop.out", lzopSuffixes), ctxReader{ctx, lr})
	return lr.pos, err
}

// lzopReader decodes one block per refill and checks its checksums.
type lzopReader struct {
	r        io.ReaderAt
	pos      int64
	flags    uint32
	src, out []byte
	left     []byte
	done     bool
}

func (l *lzopReader) Read(p []byte) (int, error) {
	for len(l.left) == 0 {
		if l.done {
			return 0, io.EOF
		}
		if err := l.block(); err != nil {
			return 0, err
		}
	}
	n := copy(p, l.left)
	l.left = l.left[n:]
	return n, nil
}

func (l *lzopReader) fail(msg string, args ...any) error {
	return extractors.Errorf("lzop", l.pos, msg, args...)
}

func (l *lzopReader) block() error {
	var hb [16]byte
	if n, _ := l.r.ReadAt(hb[:4], l.pos); n < 4 {
		return l.fail("truncated before the end mark")
	}
	usize := binary.BigEndian.Uint32(hb[:])
	if usize == 0 {
		l.pos += 4
		l.done = true
		return nil
	}
	hl := 8
	if l.flags&(lzopAdler32D|lzopCRC32D) != 0 {
		hl += 4
	}
	if n, _ := l.r.ReadAt(hb[:hl], l.pos); n < hl {
		return l.fail("truncated block header")
	}
	csize := binary.BigEndian.Uint32(hb[4:])
	if usize > lzopMaxBlock || csize > usize || csize == 0 {
		return l.fail("block sizes %d/%d", csize, usize)
	}
	dsum, hasDsum := binary.BigEndian.Uint32(hb[8:]), hl > 8
	// The compressed data has its own checksum only when it was compressed.
	var csum []byte
	if csize < usize && l.flags&(lzopAdler32C|lzopCRC32C) != 0 {
		csum = make([]byte, 4)
		if n, _ := l.r.ReadAt(csum, l.pos+int64(hl)); n < 4 {
			return l.fail("truncated block header")
		}
		hl += 4
	}
	if cap(l.src) < int(csize) {
		l.src = make([]byte, csize)
	}
	src := l.src[:csize]
	if n, _ := l.r.ReadAt(src, l.pos+int64(hl)); n < len(src) {
		return l.fail("block of %d bytes truncated", csize)
	}
	if csum != nil && l.sum(src, lzopAdler32C) != binary.BigEndian.Uint32(csum) {
		return l.fail("compressed data checksum")
	}
	out := src
	if csize < usize {
		if cap(l.out) < int(usize) {
			l.out = make([]byte, usize)
		}
		n, err := lzo.Decompress(src, l.out[:usize])
		if err != nil || n != int(usize) {
			return extractors.Wrap("lzop", l.pos, err, "LZO1X block decoded to %d of %d bytes", n, usize)
		}
		out = l.out[:usize]
	}
	if hasDsum && l.sum(out, lzopAdler32D) != dsum {
		return l.fail("data checksum")
	}
	l.pos += int64(hl) + int64(csize)
	l.left = out
	return nil
}

// sum computes the checksum the flags choose: adler32 when the adler flag of
// that kind is set, CRC32 otherwise.
func (l *lzopReader) sum(b []byte, adlerFlag uint32) uint32 {
	if l.flags&adlerFlag != 0 {
		return adler32.Checksum(b)
	}
	return crc32.ChecksumIEEE(b)
}
