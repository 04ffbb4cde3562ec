package extfs

import (
	"encoding/binary"

	"github.com/fwstar/fwstar/extractors"
)

// inodeTable returns the first block of group g's inode table, from its
// group descriptor: 32 bytes, or desc_size with the 64bit feature, where the
// high half of the address sits at 0x28.
func (im *image) inodeTable(g uint64) (uint64, error) {
	if t, ok := im.tables[g]; ok {
		return t, nil
	}
	perBlock := uint64(im.sb.bs / im.sb.descSize)
	idx := g / perBlock
	// Descriptor blocks follow the superblock, except that with meta_bg
	// those from first_meta_bg on sit at the start of their meta group.
	blk := uint64(im.sb.firstData) + 1 + idx
	if im.sb.incompat&incompatMetaBG != 0 && idx >= uint64(im.sb.firstMeta) {
		first := idx * perBlock
		blk = uint64(im.sb.firstData) + first*uint64(im.sb.bpg)
		if im.sb.hasSuper(first) {
			blk++
		}
	}
	off := im.blockOff(blk) + int64(g%perBlock)*im.sb.descSize
	b, err := extractors.ReadAt(im.r, off, int(im.sb.descSize), im.limit)
	if err != nil || blk >= im.sb.blocks {
		return 0, extractors.Wrap("ext", off, err, "descriptor of group %d", g)
	}
	le := binary.LittleEndian
	t := uint64(le.Uint32(b[8:]))
	if im.sb.descSize >= 64 {
		t |= uint64(le.Uint32(b[0x28:])) << 32
	}
	if len(im.tables) < 1<<16 {
		im.tables[g] = t
	}
	return t, nil
}
