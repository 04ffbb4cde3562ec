package extfs

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// mapper finds the physical block of a logical one: see blockMap.lookup.
type mapper interface {
	lookup(l uint64) (p, n uint64, err error)
}

// maxRun is how much one read covers: contiguous blocks are read together.
const maxRun = 1 << 20

// fileReader streams a file's bytes through its block mapping; holes read
// as zeros.
type fileReader struct {
	im   *image
	n    *inode
	m    mapper
	next uint64 // logical block
	left int64  // bytes still to deliver
	buf  []byte
	out  []byte
	err  error
}

// open returns a reader of the file's data, whatever its mapping.
func (im *image) open(n *inode) (io.Reader, error) {
	if n.flags&flagInlineData != 0 {
		b, err := im.inlineData(n)
		if err != nil {
			return nil, err
		}
		return bytes.NewReader(b[:min(int64(len(b)), n.size)]), nil
	}
	var m mapper
	if n.flags&flagExtents != 0 {
		em, err := im.newExtentMap(n)
		if err != nil {
			return nil, extractors.Wrap("ext", im.base, err, "extent tree of inode %d", n.ino)
		}
		m = em
	} else {
		m = im.newBlockMap(n)
	}
	return &fileReader{im: im, n: n, m: m, left: n.size}, nil
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.left <= 0 {
			return 0, io.EOF
		}
		if f.err != nil {
			return 0, f.err
		}
		if err := f.fill(); err != nil {
			f.err = extractors.Wrap("ext", f.im.base, err, "inode %d, block %d", f.n.ino, f.next)
		}
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// fill reads the next run of contiguous blocks, or of hole.
func (f *fileReader) fill() error {
	bs := uint64(f.im.sb.bs)
	if f.buf == nil {
		f.buf = make([]byte, min(maxRun, (f.left+int64(bs)-1)/int64(bs)*int64(bs)))
	}
	want := min(uint64(len(f.buf))/bs, (uint64(f.left)+bs-1)/bs)
	p, n, err := f.m.lookup(f.next)
	if err != nil {
		return err
	}
	n = min(n, want)
	// Grow the run over blocks the mapping places right after it.
	for p != 0 && n < want {
		q, m, err := f.m.lookup(f.next + n)
		if err != nil || q != p+n {
			break
		}
		n += min(m, want-n)
	}
	b := f.buf[:n*bs]
	if p == 0 {
		clear(b)
	} else {
		if p+n > f.im.sb.blocks || p+n < p {
			return extractors.Errorf("ext", f.im.base, "block %d past the file system", p)
		}
		off := f.im.blockOff(p)
		if off+int64(len(b)) > f.im.limit {
			return io.ErrUnexpectedEOF
		}
		if _, err := f.im.r.ReadAt(b, off); err != nil && err != io.EOF {
			return err
		}
	}
	f.next += n
	b = b[:min(int64(len(b)), f.left)]
	f.left -= int64(len(b))
	f.out = b
	return nil
}

// inlineData returns the bytes of an inline-data inode: the 60 bytes of
// i_block, then the value of its "system.data" attribute, which sits among
// the attributes in the inode's extra space.
func (im *image) inlineData(n *inode) ([]byte, error) {
	out := append([]byte(nil), n.iblock[:]...)
	v, err := ibodyAttr(n.extra, 7, "data")
	if err != nil {
		return nil, extractors.Wrap("ext", im.base, err, "inline data of inode %d", n.ino)
	}
	return append(out, v...), nil
}

// ibodyAttr finds an extended attribute stored in the inode body after the
// extra fields: a 0xEA020000 magic, then entries whose values are placed
// relative to the first entry.
func ibodyAttr(extra []byte, index byte, name string) ([]byte, error) {
	le := binary.LittleEndian
	if len(extra) < 4 {
		return nil, nil
	}
	isize := int(le.Uint16(extra))
	if isize+4 > len(extra) || le.Uint32(extra[isize:]) != 0xEA020000 {
		return nil, nil
	}
	area := extra[isize+4:]
	for pos := 0; pos+16 <= len(area) && le.Uint32(area[pos:]) != 0; {
		nameLen := int(area[pos])
		voff, vsize := int(le.Uint16(area[pos+2:])), int(le.Uint32(area[pos+8:]))
		if pos+16+nameLen > len(area) {
			return nil, io.ErrUnexpectedEOF
		}
		if area[pos+1] == index && string(area[pos+16:pos+16+nameLen]) == name {
			if voff > len(area) || vsize > len(area)-voff {
				return nil, io.ErrUnexpectedEOF
			}
			return area[voff : voff+vsize], nil
		}
		pos += (16 + nameLen + 3) &^ 3
	}
	return nil, nil
}
