package jffs2

import (
	"context"
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// window serves small reads of a ReaderAt from a 1 MiB buffer, so the node
// scan costs one system call per MiB rather than one per node.
type window struct {
	r    io.ReaderAt
	size int64
	off  int64
	buf  []byte
}

const windowSize = 1 << 20

func (w *window) at(off int64, n int) ([]byte, error) {
	if off >= w.off && off+int64(n) <= w.off+int64(len(w.buf)) {
		return w.buf[off-w.off : off-w.off+int64(n)], nil
	}
	if n < 0 || off < 0 || off > w.size || int64(n) > w.size-off {
		return nil, io.ErrUnexpectedEOF
	}
	want := int(min(int64(max(n, windowSize)), w.size-off))
	if cap(w.buf) < want {
		w.buf = make([]byte, want)
	}
	w.buf = w.buf[:want]
	m, err := w.r.ReadAt(w.buf, off)
	w.off, w.buf = off, w.buf[:m]
	if m < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return w.buf[:n], nil
}

type direntKey struct {
	pino uint32
	name string
}

// file gathers the valid data nodes of one inode; latest holds the
// metadata of its newest version.
type file struct {
	latest inode
	nodes  []inode
}

// image is what one pass over the nodes of a chunk found.
type image struct {
	bo         binary.ByteOrder
	start, end int64
	erase      int64 // erase block size, 0 when no two cleanmarkers tell it
	files      map[uint32]*file
	dirents    map[direntKey]dirent
	nodes      int // nodes with a valid header
	bad        int // nodes whose node, name or data CRC failed
	obsolete   int
	truncErr   error
}

// maxGarbage is how far past the last valid node the scan looks for more
// before it decides the file system has ended. Erased (0xFF) and zeroed
// words do not count: flash dumps hold whole empty erase blocks.
const maxGarbage = 256 << 10

// order returns the byte order of the node header at b, or nil.
func order(b []byte) binary.ByteOrder {
	switch {
	case len(b) < 2:
		return nil
	case binary.LittleEndian.Uint16(b) == magic:
		return binary.LittleEndian
	case binary.BigEndian.Uint16(b) == magic:
		return binary.BigEndian
	}
	return nil
}

// scan reads every node from start on and keeps the valid ones.
func scan(ctx context.Context, r io.ReaderAt, start, size int64) (*image, error) {
	w := &window{r: r, size: size}
	b, err := w.at(start, headerSize)
	if err != nil {
		return nil, extractors.NotFormat("jffs2", "short header")
	}
	bo := order(b)
	if h, ok := parseHeader(b, bo); bo == nil || !ok || !knownType(h.nodeType) {
		return nil, extractors.NotFormat("jffs2", "bad first node")
	}
	im := &image{bo: bo, start: start, files: map[uint32]*file{}, dirents: map[direntKey]dirent{}}
	var marks []int64 // cleanmarker offsets, enough to tell the erase size
	pos, lastEnd, garbage := start, start, int64(0)
	for step := 0; pos+headerSize <= size && garbage <= maxGarbage; step++ {
		if step&0xFFFF == 0 {
			if err := ctx.Err(); err != nil {
				return im, err
			}
		}
		b, err := w.at(pos, headerSize)
		if err != nil {
			return im, extractors.Wrap("jffs2", pos, err, "read")
		}
		if wd := bo.Uint32(b); wd == 0xFFFFFFFF || wd == 0 {
			pos += 4
			continue
		}
		h, ok := parseHeader(b, bo)
		if !ok {
			pos += 4
			garbage += 4
			continue
		}
		if int64(h.totlen) > size-pos {
			im.truncErr = extractors.Errorf("jffs2", pos, "node of %d bytes, %d left", h.totlen, size-pos)
			break
		}
		node, err := w.at(pos, int(h.totlen))
		if err != nil {
			return im, extractors.Wrap("jffs2", pos, err, "read node")
		}
		im.nodes++
		switch {
		case h.nodeType&accurate == 0:
			im.obsolete++
		case h.nodeType == typeDirent:
			if d, ok := parseDirent(node, bo); ok {
				im.addDirent(d)
			} else {
				im.bad++
			}
		case h.nodeType == typeInode:
			if n, ok := parseInode(node, bo, pos); ok {
				im.addInode(n)
			} else {
				im.bad++
			}
		case h.nodeType == typeCleanmarker && len(marks) < 16:
			marks = append(marks, pos)
		}
		garbage = 0
		pos += (int64(h.totlen) + 3) &^ 3
		lastEnd = min(pos, size)
	}
	im.erase = eraseSize(marks)
	im.end = lastEnd
	if im.erase > 0 {
		im.end = min(size, start+(lastEnd-start+im.erase-1)/im.erase*im.erase)
	}
	return im, nil
}

// eraseSize is the smallest distance between cleanmarkers (one starts every
// erase block) when it is a power of two, else 0.
func eraseSize(marks []int64) int64 {
	var e int64
	for i := 1; i < len(marks); i++ {
		if d := marks[i] - marks[i-1]; e == 0 || d < e {
			e = d
		}
	}
	if e < 4096 || e&(e-1) != 0 {
		return 0
	}
	return e
}

func (im *image) addDirent(d dirent) {
	k := direntKey{d.pino, d.name}
	if old, ok := im.dirents[k]; !ok || d.version >= old.version {
		im.dirents[k] = d
	}
}

func (im *image) addInode(n inode) {
	f := im.files[n.ino]
	if f == nil {
		f = &file{latest: n}
		im.files[n.ino] = f
	} else if n.version >= f.latest.version {
		f.latest = n
	}
	if n.dsize > 0 || n.csize > 0 {
		f.nodes = append(f.nodes, n)
	}
}
