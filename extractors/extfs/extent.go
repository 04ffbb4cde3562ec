package extfs

import (
	"encoding/binary"
	"fmt"
	"sort"
)

const (
	extentMagic    = 0xF30A
	maxExtentDepth = 5
	// maxExtents caps the leaves of one file. A real file has a few
	// thousand at most; this refuses trees built to exhaust memory.
	maxExtents = 1 << 20
)

// extent maps len blocks from logical block l to physical block p;
// uninitialized extents are allocated but read as zeros.
type extent struct {
	l, p   uint64
	len    uint64
	uninit bool
}

// extentMap is a file's extent tree, read whole into its leaves. Each tree
// block is read once per file (a visited set), depths must go down by one
// per level, and leaves must come in logical order, so cycles and shared
// subtrees are errors.
type extentMap struct {
	ext []extent
}

func (im *image) newExtentMap(n *inode) (*extentMap, error) {
	m := &extentMap{}
	seen := map[uint64]bool{}
	var next uint64 // the first logical block the next leaf may map
	var node func(b []byte, depth int) error
	node = func(b []byte, depth int) error {
		le := binary.LittleEndian
		if len(b) < 12 || le.Uint16(b) != extentMagic {
			return fmt.Errorf("bad extent header")
		}
		entries, max, d := int(le.Uint16(b[2:])), int(le.Uint16(b[4:])), int(le.Uint16(b[6:]))
		if entries > max || 12+12*max > len(b) || (depth >= 0 && d != depth) || d > maxExtentDepth {
			return fmt.Errorf("bad extent header: %d entries of %d, depth %d", entries, max, d)
		}
		for i := range entries {
			e := b[12+12*i:]
			if d == 0 {
				x := extent{l: uint64(le.Uint32(e)), len: uint64(le.Uint16(e[4:])),
					p: uint64(le.Uint16(e[6:]))<<32 | uint64(le.Uint32(e[8:]))}
				if x.len > 32768 {
					x.len -= 32768
					x.uninit = true
				}
				if x.l < next {
					return fmt.Errorf("extent at block %d out of order", x.l)
				}
				if len(m.ext) >= maxExtents {
					return fmt.Errorf("more than %d extents", maxExtents)
				}
				next = x.l + x.len
				if x.len > 0 {
					m.ext = append(m.ext, x)
				}
				continue
			}
			child := uint64(le.Uint16(e[8:]))<<32 | uint64(le.Uint32(e[4:]))
			if seen[child] {
				return fmt.Errorf("extent block %d used twice", child)
			}
			seen[child] = true
			cb, err := im.readBlock(child)
			if err != nil {
				return err
			}
			if err := node(cb, d-1); err != nil {
				return err
			}
		}
		return nil
	}
	return m, node(n.iblock[:], -1)
}

// lookup returns where logical block l lies and for how many blocks the
// answer holds; 0 is a hole (unmapped, or an uninitialized extent).
func (m *extentMap) lookup(l uint64) (uint64, uint64, error) {
	i := sort.Search(len(m.ext), func(i int) bool { return m.ext[i].l+m.ext[i].len > l })
	if i == len(m.ext) {
		return 0, 1 << 40, nil
	}
	e := m.ext[i]
	if l < e.l {
		return 0, e.l - l, nil
	}
	if e.uninit {
		return 0, e.l + e.len - l, nil
	}
	return e.p + l - e.l, e.l + e.len - l, nil
}
