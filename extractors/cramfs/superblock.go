// Package cramfs reads cramfs images (Linux's compressed ROM file system),
// version 1 and 2, in either byte order, with the extended block pointers
// of XIP images. No Go module for cramfs is served, so the reader is written
// from the kernel's layout (include/uapi/linux/cramfs_fs.h, fs/cramfs).
package cramfs

import (
	"encoding/binary"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

const (
	magic     = 0x28CD3D45
	signature = "Compressed ROMFS"
	superSize = 76 // the superblock ends with the root inode
	padSize   = 512

	flagVersion2    = 0x001 // fsid holds a CRC and counts
	flagSortedDirs  = 0x002
	flagHoles       = 0x100
	flagWrongSig    = 0x200
	flagShiftedRoot = 0x400
	flagExtBlockPtr = 0x800 // block pointers carry the two flags below
	supportedFlags  = 0xFF | flagHoles | flagWrongSig | flagShiftedRoot | flagExtBlockPtr

	blkUncompressed = 1 << 31
	blkDirect       = 1 << 30 // pointer is the block's start >> 2, not the end of the previous one
	blkFlags        = blkUncompressed | blkDirect
)

// super is the decoded superblock. Offsets in inodes count from base, the
// image start, which lies 512 bytes before the superblock when mkfs.cramfs -p
// left room for boot code.
type super struct {
	bo      binary.ByteOrder
	base    int64 // image start
	size    int64 // image length from base; 0 for version 1
	flags   uint32
	crc     uint32
	edition uint32
	blocks  uint32
	files   uint32
	name    string
	root    inode
}

// readSuper decodes the superblock at sb, for an image starting at base.
func readSuper(r io.ReaderAt, base, sb, size int64) (*super, error) {
	b, err := extractors.ReadAt(r, sb, superSize, size)
	if err != nil {
		return nil, extractors.NotFormat("cramfs", "short superblock")
	}
	bo := extractors.Order(b, magic)
	if bo == nil || string(b[16:32]) != signature {
		return nil, extractors.NotFormat("cramfs", "no magic")
	}
	s := &super{bo: bo, base: base, flags: bo.Uint32(b[8:]), crc: bo.Uint32(b[32:]), edition: bo.Uint32(b[36:]),
		blocks: bo.Uint32(b[40:]), files: bo.Uint32(b[44:]), name: cstring(b[48:64]), root: decodeInode(b[64:], bo)}
	if s.flags&^supportedFlags != 0 {
		return nil, extractors.NotFormat("cramfs", "unknown feature flags")
	}
	if s.flags&flagVersion2 != 0 {
		s.size = int64(bo.Uint32(b[4:]))
		if s.size < sb-base+superSize || s.size > size-base {
			return nil, extractors.NotFormat("cramfs", "size out of range")
		}
	}
	if s.root.mode&extractors.SIFMT != extractors.SIFDIR {
		return nil, extractors.NotFormat("cramfs", "root is not a directory")
	}
	// The root's entries follow the superblock: this tells a padded image
	// (entries at 588) from a plain one (at 76).
	if s.root.size > 0 && s.root.offset != sb-base+superSize && s.flags&flagShiftedRoot == 0 {
		return nil, extractors.NotFormat("cramfs", "root entries not after the superblock")
	}
	return s, nil
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
