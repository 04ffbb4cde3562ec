package cramfs

import (
	"encoding/binary"
	"io/fs"
)

const inodeSize = 12

// Linux S_IFMT values of the 16-bit mode field.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
)

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

// fileMode turns a Linux mode into permission, setid/sticky and type bits.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	switch m & sIFMT {
	case sIFDIR:
		mode |= fs.ModeDir
	case sIFLNK:
		mode |= fs.ModeSymlink
	case sIFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case sIFBLK:
		mode |= fs.ModeDevice
	case sIFIFO:
		mode |= fs.ModeNamedPipe
	case sIFSOCK:
		mode |= fs.ModeSocket
	}
	return mode
}
