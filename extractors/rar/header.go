package rar

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// The block chain is walked here, not by rardecode: the library reads an
// io.Reader to its end-of-archive block and tells neither where the archive
// ended nor where a broken one stopped, which is what sizing a chunk inside a
// firmware blob needs.

var (
	sig4 = []byte("Rar!\x1a\x07\x00")     // RAR 1.5 to 4.x: the marker block
	sig5 = []byte("Rar!\x1a\x07\x01\x00") // RAR 5.0
)

// archive is what the block walk found.
type archive struct {
	version    int   // 4 (RAR 1.5–4.x) or 5
	body       int64 // the first block after the main header
	end        int64 // just past the last valid block
	endBlock   bool  // the walk ended at an end-of-archive block
	complete   bool  // or, RAR 1.5–2.x having none, at a block that was not cut short
	stop       string
	encHeaders bool // headers after the main one are encrypted: the walk could go no further
	volume     bool // part of a multi-volume set
	volNum     int  // 0 for the first volume, when the archive says
	moreVols   bool // the end block says another volume follows
	solid      bool
	files      int // file headers seen
	// With walk's mid: the first file block at or past mid, and how many
	// file blocks come before it (0 and 0 when none).
	mid, before int64
}

func (a *archive) info() string {
	s := fmt.Sprintf("RAR %d archive, %d files", a.version, a.files)
	if a.version == 4 {
		s = fmt.Sprintf("RAR 1.5-4.x archive, %d files", a.files)
	}
	if a.solid {
		s += ", solid"
	}
	if a.volume {
		s += fmt.Sprintf(", volume %d", a.volNum+1)
	}
	switch {
	case a.encHeaders:
		s += ", encrypted headers (extent unknown)"
	case !a.endBlock:
		s += ", no end block: " + a.stop
	}
	return s
}

// walk checks the main header of the archive at off and follows the block
// chain to the end-of-archive block, or to the first block that is cut off
// or fails its CRC. Only a bad main header is an error (not this format).
// Every block moves the offset forward by at least its header size.
// mid > 0 asks for a split point (see archive.mid).
func walk(r io.ReaderAt, off, size, mid int64) (*archive, error) {
	b, err := extractors.ReadAt(r, off, len(sig5), size)
	if err != nil {
		return nil, extractors.NotFormat("rar", "short")
	}
	switch {
	case string(b) == string(sig5):
		return walk5(r, off+int64(len(sig5)), size, mid)
	case string(b[:len(sig4)]) == string(sig4):
		return walk4(r, off+int64(len(sig4)), size, mid)
	}
	return nil, extractors.NotFormat("rar", "no signature")
}

// split notes the file block at p if it is the first at or past mid.
func (a *archive) split(p, mid int64) {
	if mid > 0 && a.mid == 0 && p >= mid {
		a.mid, a.before = p, int64(a.files)
	}
}

// RAR 5.0 block: CRC32 of the rest of the header, header size (vint), then
// type, flags, [extra area size], [data size] (vints), and data after the header.
const (
	block5Main    = 1
	block5File    = 2
	block5Crypt   = 4
	block5End     = 5
	flag5Extra    = 0x01
	flag5Data     = 0x02
	main5Volume   = 0x01
	main5VolNum   = 0x02
	main5Solid    = 0x04
	end5MoreVols  = 0x01
	maxHeader5    = 2 << 20 // the format's limit on a header's size
	maxVintLength = 10
)

// vint decodes a RAR 5 variable-length integer: 7 bits a byte, low first.
func vint(b []byte) (v uint64, n int, ok bool) {
	for n < len(b) && n < maxVintLength {
		c := b[n]
		v |= uint64(c&0x7F) << (7 * n)
		n++
		if c < 0x80 {
			return v, n, n < maxVintLength || c <= 1
		}
	}
	return 0, 0, false
}

type block5 struct {
	typ, flags uint64
	fields     []byte // the header after type, flags and the two sizes
	end        int64  // past the block's data
}

var errCut = errors.New("cut off by the end of the data")

// readBlock5 reads the block at p.
func readBlock5(r io.ReaderAt, p, size int64) (blk block5, err error) {
	head, err := extractors.ReadAt(r, p, 7, size) // the smallest block
	if err != nil {
		return blk, errCut
	}
	hsize, n, ok := vint(head[4:])
	if !ok || n > 3 || hsize < 2 || hsize > maxHeader5 {
		return blk, errors.New("bad header size")
	}
	h, err := extractors.ReadAt(r, p+4, n+int(hsize), size)
	if err != nil {
		return blk, errCut
	}
	if crc32.ChecksumIEEE(h) != binary.LittleEndian.Uint32(head) {
		return blk, errors.New("bad header CRC")
	}
	h = h[n:]
	bad := false
	next := func() uint64 {
		v, m, ok := vint(h)
		bad = bad || !ok
		h = h[m:]
		return v
	}
	blk.typ, blk.flags = next(), next()
	var data uint64
	if blk.flags&flag5Extra != 0 {
		next()
	}
	if blk.flags&flag5Data != 0 {
		data = next()
	}
	if bad {
		return blk, errors.New("bad header field")
	}
	blk.fields = h
	hend := p + 4 + int64(n) + int64(hsize)
	if data > uint64(size-hend) {
		return blk, errCut
	}
	blk.end = hend + int64(data)
	return blk, nil
}

func walk5(r io.ReaderAt, p, size, mid int64) (*archive, error) {
	main, err := readBlock5(r, p, size)
	if err == nil && main.typ == block5Crypt {
		// rar -hp: everything after this header, the main one included, is
		// encrypted. Encryption version 0 (AES-256) is the only one.
		if v, _, ok := vint(main.fields); ok && v == 0 {
			return &archive{version: 5, end: main.end, encHeaders: true}, nil
		}
	}
	if err != nil || main.typ != block5Main {
		return nil, extractors.NotFormat("rar", "no valid RAR 5 main header")
	}
	a := &archive{version: 5, body: main.end, end: main.end}
	flags, n, _ := vint(main.fields)
	a.volume, a.solid = flags&main5Volume != 0, flags&main5Solid != 0
	if flags&main5VolNum != 0 {
		if v, _, ok := vint(main.fields[n:]); ok && v < 1<<20 {
			a.volNum = int(v)
		}
	}
	for p = main.end; ; p = a.end {
		blk, err := readBlock5(r, p, size)
		if err != nil {
			a.stop = fmt.Sprintf("block at 0x%X: %v", p, err)
			return a, nil
		}
		a.end = blk.end
		switch blk.typ {
		case block5File:
			a.split(p, mid)
			a.files++
		case block5Crypt:
			a.encHeaders = true
			return a, nil
		case block5End:
			f, _, _ := vint(blk.fields)
			a.endBlock, a.complete, a.moreVols = true, true, f&end5MoreVols != 0
			return a, nil
		}
	}
}

// RAR 1.5–4.x block: CRC16 (low half of a CRC32 of the rest of the header),
// type, flags, header size, and with flag 0x8000 a 32-bit data size.
const (
	block4Main      = 0x73
	block4File      = 0x74
	block4Sub       = 0x7A
	block4End       = 0x7B
	flag4LongBlock  = 0x8000
	flag4Large      = 0x0100 // file and sub blocks: 64-bit sizes
	main4Volume     = 0x0001
	main4Solid      = 0x0008
	main4Password   = 0x0080 // block headers are encrypted
	main4FirstVol   = 0x0100
	end4MoreVols    = 0x0001
	fileHeader4Size = 32
)

type block4 struct {
	typ   byte
	flags uint16
	hdr   []byte
	end   int64
}

func readBlock4(r io.ReaderAt, p, size int64) (blk block4, err error) {
	head, err := extractors.ReadAt(r, p, 7, size)
	if err != nil {
		return blk, errCut
	}
	le := binary.LittleEndian
	blk.typ, blk.flags = head[2], le.Uint16(head[3:])
	hsize := int(le.Uint16(head[5:]))
	if hsize < 7 || (blk.flags&flag4LongBlock != 0 && hsize < 11) {
		return blk, errors.New("bad header size")
	}
	h, err := extractors.ReadAt(r, p, hsize, size)
	if err != nil {
		return blk, errCut
	}
	if uint16(crc32.ChecksumIEEE(h[2:])) != le.Uint16(h) {
		return blk, errors.New("bad header CRC")
	}
	blk.hdr = h
	var data uint64
	if blk.flags&flag4LongBlock != 0 {
		data = uint64(le.Uint32(h[7:]))
	}
	if (blk.typ == block4File || blk.typ == block4Sub) && blk.flags&flag4Large != 0 {
		if hsize < fileHeader4Size+8 {
			return blk, errors.New("bad header size")
		}
		data |= uint64(le.Uint32(h[fileHeader4Size:])) << 32
	}
	if data > uint64(size-p-int64(hsize)) {
		return blk, errCut
	}
	blk.end = p + int64(hsize) + int64(data)
	return blk, nil
}

func walk4(r io.ReaderAt, p, size, mid int64) (*archive, error) {
	main, err := readBlock4(r, p, size)
	if err != nil || main.typ != block4Main || len(main.hdr) < 13 {
		return nil, extractors.NotFormat("rar", "no valid RAR 4 main header")
	}
	a := &archive{version: 4, body: main.end, end: main.end}
	a.volume, a.solid = main.flags&main4Volume != 0, main.flags&main4Solid != 0
	if a.volume && main.flags&main4FirstVol == 0 {
		a.volNum = 1 // a later volume; RAR 4 says which only in the end block
	}
	if main.flags&main4Password != 0 {
		a.encHeaders = true
		return a, nil
	}
	for p = main.end; ; p = a.end {
		blk, err := readBlock4(r, p, size)
		if err == nil && (blk.typ < block4Main || blk.typ > block4End) {
			err = fmt.Errorf("unknown block type 0x%X", blk.typ)
		}
		if err != nil {
			a.stop = fmt.Sprintf("block at 0x%X: %v", p, err)
			// RAR 1.5–2.x wrote no end block: such an archive ends at the
			// end of the data or before bytes that are no block. Only a
			// block cut short is a truncation.
			if p == size {
				a.stop = "the data ends"
			}
			a.complete = p == size || err != errCut
			return a, nil
		}
		a.end = blk.end
		switch blk.typ {
		case block4File:
			a.split(p, mid)
			a.files++
		case block4End:
			a.endBlock, a.complete, a.moreVols = true, true, blk.flags&end4MoreVols != 0
			return a, nil
		}
	}
}
