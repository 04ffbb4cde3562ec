package extfs

import (
	"encoding/binary"
	"errors"
)

// blockMap maps logical blocks through the classic ext2/ext3 scheme: twelve
// direct pointers in i_block, then single, double and triple indirect blocks.
// It reads indirect blocks on demand and keeps the last one of each level,
// so a sequential read costs one read per indirect block. The depth is fixed,
// so a pointer cycle cannot loop; pointers that repeat only repeat data,
// which the sink's budgets bound.
type blockMap struct {
	im     *image
	direct [15]uint32
	per    uint64 // pointers per block
	cache  [4]struct {
		blk uint64
		tbl []byte
	}
}

var errBeyondMap = errors.New("block beyond the triple indirect map")

func (im *image) newBlockMap(n *inode) *blockMap {
	m := &blockMap{im: im, per: uint64(im.sb.bs / 4)}
	for i := range m.direct {
		m.direct[i] = binary.LittleEndian.Uint32(n.iblock[4*i:])
	}
	return m
}

// lookup returns the physical block of logical block l and how many blocks
// from l the answer holds for: one for data, the rest of the subtree for a
// hole left by a missing indirect block. Physical block 0 is a hole.
func (m *blockMap) lookup(l uint64) (uint64, uint64, error) {
	if l < 12 {
		return uint64(m.direct[l]), 1, nil
	}
	l -= 12
	cover := uint64(1)
	for depth := 1; depth <= 3; depth++ {
		cover *= m.per
		if l < cover {
			return m.walk(uint64(m.direct[11+depth]), depth, l, cover)
		}
		l -= cover
	}
	return 0, 0, errBeyondMap
}

// walk descends depth levels of indirect blocks from blk to the pointer of
// entry l of the subtree, which covers cover blocks.
func (m *blockMap) walk(blk uint64, depth int, l, cover uint64) (uint64, uint64, error) {
	for ; depth > 0; depth-- {
		if blk == 0 {
			return 0, cover - l, nil
		}
		c := &m.cache[depth]
		if c.tbl == nil || c.blk != blk {
			b, err := m.im.readBlock(blk)
			if err != nil {
				return 0, 0, err
			}
			c.blk, c.tbl = blk, b
		}
		cover /= m.per
		blk = uint64(binary.LittleEndian.Uint32(c.tbl[4*(l/cover):]))
		l %= cover
	}
	return blk, 1, nil
}
