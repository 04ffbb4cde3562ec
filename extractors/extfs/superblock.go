// Package extfs reads ext2, ext3 and ext4 file systems, read-only: block maps
// and extent trees, inline data, linear and htree directories, fast and slow
// symlinks, hard links, devices, sparse files. No served Go module reads ext4
// (dsoprea/go-ext4 is not on the proxy allow-list and reads no block maps), so
// the reader follows the kernel's on-disk layout (fs/ext4/ext4.h, the
// "ext4 Data Structures and Algorithms" documentation). The journal is not
// replayed: what is read is the state of the last checkpoint, like debugfs.
package extfs

import (
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

const (
	superOffset = 1024
	superSize   = 1024
	magic       = 0xEF53
	rootIno     = 2

	// feature_incompat bits
	incompatCompression = 0x1
	incompatFiletype    = 0x2
	incompatJournalDev  = 0x8
	incompatMetaBG      = 0x10
	incompatExtents     = 0x40
	incompat64Bit       = 0x80
	incompatDirData     = 0x1000
	incompatInlineData  = 0x8000
	// features whose data we cannot read: compressed files (never merged),
	// an external journal device (holds no files), Lustre's dirdata.
	incompatUnreadable = incompatCompression | incompatJournalDev | incompatDirData
	// every bit defined up to casefold (0x20000)
	incompatKnown = 0x3FFFF

	roCompatSparseSuper = 0x1
	roCompatHugeFile    = 0x8

	compatHasJournal = 0x4
)

// super is the decoded superblock.
type super struct {
	inodes     uint32
	blocks     uint64
	firstData  uint32
	bs         int64 // block size
	bpg, ipg   uint32
	inodeSize  int64
	descSize   int64
	firstMeta  uint32
	compat     uint32
	incompat   uint32
	roCompat   uint32
	name       string
	revLevel   uint32
	groups     uint64
	mkfsTime   uint32
	createdOS  uint32
	descBlocks uint64
}

// readSuper decodes and checks the superblock of a file system starting at
// off. The magic is only two bytes, so every field that sizes the layout must
// agree with the others before the match counts.
func readSuper(r io.ReaderAt, off, size int64) (*super, error) {
	b, err := extractors.ReadAt(r, off+superOffset, superSize, size)
	if err != nil {
		return nil, extractors.NotFormat("ext", "short superblock")
	}
	le := binary.LittleEndian
	if le.Uint16(b[56:]) != magic {
		return nil, extractors.NotFormat("ext", "no magic")
	}
	logBS := le.Uint32(b[24:])
	if logBS > 6 {
		return nil, extractors.NotFormat("ext", "bad block size")
	}
	s := &super{
		inodes: le.Uint32(b[0:]), blocks: uint64(le.Uint32(b[4:])), firstData: le.Uint32(b[20:]),
		bs: 1024 << logBS, bpg: le.Uint32(b[32:]), ipg: le.Uint32(b[40:]), revLevel: le.Uint32(b[76:]),
		inodeSize: 128, descSize: 32, createdOS: le.Uint32(b[72:]), mkfsTime: le.Uint32(b[264:]),
	}
	state, errs := le.Uint16(b[58:]), le.Uint16(b[60:])
	if s.revLevel > 1 || state&^7 != 0 || errs > 3 || s.createdOS > 4 {
		return nil, extractors.NotFormat("ext", "bad revision, state or error policy")
	}
	if s.revLevel == 1 {
		s.inodeSize = int64(le.Uint16(b[88:]))
		s.compat, s.incompat, s.roCompat = le.Uint32(b[92:]), le.Uint32(b[96:]), le.Uint32(b[100:])
		s.name = cstring(b[120:136])
		if s.incompat&incompat64Bit != 0 {
			s.blocks |= uint64(le.Uint32(b[336:])) << 32
			s.descSize = int64(le.Uint16(b[254:]))
		}
		s.firstMeta = le.Uint32(b[260:])
	}
	switch {
	case s.blocks == 0 || s.inodes == 0 || s.bpg == 0 || s.ipg == 0:
		return nil, extractors.NotFormat("ext", "zero counts")
	case s.bpg > 8*uint32(s.bs) || s.ipg > 8*uint32(s.bs):
		return nil, extractors.NotFormat("ext", "group larger than its bitmap")
	case s.firstData != 0 && !(s.firstData == 1 && s.bs == 1024):
		return nil, extractors.NotFormat("ext", "bad first data block")
	case s.inodeSize < 128 || s.inodeSize > s.bs || s.inodeSize&(s.inodeSize-1) != 0:
		return nil, extractors.NotFormat("ext", "bad inode size")
	case s.descSize < 32 || s.descSize > 1024 || s.descSize&(s.descSize-1) != 0:
		return nil, extractors.NotFormat("ext", "bad group descriptor size")
	case s.incompat&^incompatKnown != 0:
		return nil, extractors.NotFormat("ext", "unknown incompatible features")
	case s.blocks <= uint64(s.firstData) || s.blocks > (1<<62)/uint64(s.bs):
		return nil, extractors.NotFormat("ext", "no data blocks")
	}
	s.groups = (s.blocks - uint64(s.firstData) + uint64(s.bpg) - 1) / uint64(s.bpg)
	if uint64(s.inodes) != s.groups*uint64(s.ipg) {
		return nil, extractors.NotFormat("ext", "inode count does not match the groups")
	}
	perBlock := uint64(s.bs / s.descSize)
	s.descBlocks = (s.groups + perBlock - 1) / perBlock
	return s, nil
}

// hasSuper tells whether group g holds a superblock backup (and, without
// meta_bg, a copy of the descriptors): with sparse_super only groups 0, 1 and
// powers of 3, 5 and 7 do.
func (s *super) hasSuper(g uint64) bool {
	if g <= 1 || s.roCompat&roCompatSparseSuper == 0 {
		return true
	}
	for _, p := range []uint64{3, 5, 7} {
		n := p
		for n < g {
			n *= p
		}
		if n == g {
			return true
		}
	}
	return false
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
