package cramfs

import "encoding/binary"

const inodeSize = 12

// inode is a cramfs_inode. For a directory offset and size locate its
// entries; for a file, link or its block pointer table; for a device, size
// is the old 16-bit device number.
type inode struct {
	mode    uint32
	uid     uint32
	size    int64
	gid     uint32
	namelen int // bytes, a multiple of 4
	offset  int64
}

// decodeInode unpacks the three bit-field words. C compilers pack bit
// fields from the low bit on little-endian targets and from the high bit on
// big-endian ones, so the two orders place the fields differently.
func decodeInode(b []byte, bo binary.ByteOrder) inode {
	w0, w1, w2 := bo.Uint32(b), bo.Uint32(b[4:]), bo.Uint32(b[8:])
	if bo == binary.LittleEndian {
		return inode{mode: w0 & 0xFFFF, uid: w0 >> 16, size: int64(w1 & 0xFFFFFF), gid: w1 >> 24,
			namelen: int(w2&0x3F) * 4, offset: int64(w2>>6) * 4}
	}
	return inode{mode: w0 >> 16, uid: w0 & 0xFFFF, size: int64(w1 >> 8), gid: w1 & 0xFF,
		namelen: int(w2>>26) * 4, offset: int64(w2&0x3FFFFFF) * 4}
}
