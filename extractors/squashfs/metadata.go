package squashfs

import (
	"errors"
	"io"
	"slices"

	"github.com/fwstar/fwstar/extractors"
)

// metaSize is the most a metadata block holds decompressed.
const metaSize = 8192

// image is the filesystem's bytes: offsets are relative to the superblock
// and reads stop at bytes_used (or the end of the blob, if truncated).
type image struct {
	r    io.ReaderAt
	base int64
	size int64
	s    *super
}

func (m *image) read(off int64, n int) ([]byte, error) {
	b, err := extractors.ReadAt(m.r, m.base+off, n, m.base+m.size)
	if err != nil {
		return nil, m.errorf(off, "read of %d bytes past the end", n)
	}
	return b, nil
}

func (m *image) errorf(off int64, msg string, args ...any) error {
	return extractors.Errorf("squashfs", m.base+off, msg, args...)
}

// metaBlock decodes the metadata block at off and returns its bytes and the
// offset of the block after it.
func (m *image) metaBlock(d *decoder, off int64, buf []byte) ([]byte, int64, error) {
	hl := 2
	if m.s.check {
		hl = 3 // 2.x/3.x write a marker byte after the length
	}
	h, err := m.read(off, hl)
	if err != nil {
		return nil, 0, err
	}
	word := m.s.order.Uint16(h)
	n := int(word & 0x7FFF)
	if n == 0 || n > metaSize {
		return nil, 0, m.errorf(off, "metadata block length %d", n)
	}
	raw, err := m.read(off+int64(hl), n)
	if err != nil {
		return nil, 0, err
	}
	next := off + int64(hl+n)
	if word&0x8000 != 0 {
		return raw, next, nil
	}
	out, err := d.decode(buf, raw, metaSize)
	if err != nil {
		return nil, 0, extractors.Wrap("squashfs", m.base+off, err, "metadata block")
	}
	return out, next, nil
}

// table is a metadata table (inodes or directory listings) decoded block by
// block as references reach further into it, so each block is decoded once.
// References name a block by its on-disk offset from the table start.
type table struct {
	img    *image
	dec    *decoder
	start  int64
	limit  int64 // the table cannot reach past this offset
	next   int64 // offset of the next block to decode
	data   []byte
	blocks map[int64]int // block offset (from start) → position in data
}

func newTable(img *image, dec *decoder, start, limit int64) *table {
	return &table{img: img, dec: dec, start: start, limit: limit, next: start, blocks: map[int64]int{}}
}

var errTableEnd = errors.New("end of table")

// grow decodes the next block.
func (t *table) grow() error {
	if t.next >= t.limit {
		return errTableEnd
	}
	if len(t.data)+metaSize > extractors.MaxAlloc {
		return t.img.errorf(t.next, "metadata table larger than %d bytes", extractors.MaxAlloc)
	}
	// Decode straight into the table's spare room.
	t.data = slices.Grow(t.data, metaSize)
	b, next, err := t.img.metaBlock(t.dec, t.next, t.data[len(t.data):len(t.data)+metaSize])
	if err != nil {
		return err
	}
	t.blocks[t.next-t.start] = len(t.data)
	t.data = append(t.data, b...)
	t.next = next
	return nil
}

// pos is the position in data of a reference (block, offset).
func (t *table) pos(block int64, off int) (int, error) {
	for {
		if p, ok := t.blocks[block]; ok {
			return p + off, nil
		}
		if block < t.next-t.start {
			return 0, t.img.errorf(t.start+block, "reference to 0x%X is not a metadata block", block)
		}
		if err := t.grow(); err != nil {
			if err == errTableEnd {
				return 0, t.img.errorf(t.start+block, "reference past the end of the table")
			}
			return 0, err
		}
	}
}

// bytes returns n bytes at position p, decoding further blocks as needed.
// The slice is valid until the next call.
func (t *table) bytes(p, n int) ([]byte, error) {
	if n < 0 || p < 0 || n > extractors.MaxAlloc {
		return nil, t.img.errorf(t.next, "bad metadata read of %d bytes", n)
	}
	for len(t.data) < p+n {
		if err := t.grow(); err != nil {
			if err == errTableEnd {
				return nil, t.img.errorf(t.next, "metadata truncated")
			}
			return nil, err
		}
	}
	return t.data[p : p+n], nil
}

// avail returns up to n bytes at p, fewer where the table ends.
func (t *table) avail(p, n int) ([]byte, error) {
	for len(t.data) < p+n {
		if err := t.grow(); err == errTableEnd {
			break
		} else if err != nil {
			return nil, err
		}
	}
	if p > len(t.data) {
		return nil, t.img.errorf(t.next, "metadata truncated")
	}
	return t.data[p:min(p+n, len(t.data))], nil
}
