package extfs

import (
	"encoding/binary"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

const (
	flagHugeFile   = 0x40000    // i_blocks counts file system blocks
	flagExtents    = 0x80000    // i_block holds an extent tree
	flagEAInode    = 0x200000   // the inode holds a large extended attribute
	flagInlineData = 0x10000000 // data lives in i_block and the system.data attribute
)

// inode is the part of an ext2_inode / ext4_inode that extraction needs.
type inode struct {
	ino      uint32
	mode     uint32
	uid, gid int64
	size     int64
	mtime    time.Time
	links    uint16
	blocks   uint64 // i_blocks, in 512-byte units unless flagHugeFile
	flags    uint32
	fileACL  uint64
	iblock   [60]byte
	extra    []byte // the bytes after the 128-byte base: extra fields and in-inode attributes
}

// readInode reads inode ino from its group's inode table.
func (im *image) readInode(ino uint32) (*inode, error) {
	if ino == 0 || ino > im.sb.inodes {
		return nil, extractors.Errorf("ext", im.base, "inode %d out of range", ino)
	}
	g, idx := uint64(ino-1)/uint64(im.sb.ipg), int64(ino-1)%int64(im.sb.ipg)
	t, err := im.inodeTable(g)
	if err != nil {
		return nil, err
	}
	off := im.blockOff(t) + idx*im.sb.inodeSize
	b, err := extractors.ReadAt(im.r, off, int(im.sb.inodeSize), im.limit)
	if err != nil || t >= im.sb.blocks {
		return nil, extractors.Wrap("ext", off, err, "inode %d", ino)
	}
	return decodeInode(ino, b, im.sb.revLevel > 0), nil
}

func decodeInode(ino uint32, b []byte, largeFiles bool) *inode {
	le := binary.LittleEndian
	n := &inode{
		ino:     ino,
		mode:    uint32(le.Uint16(b[0:])),
		uid:     int64(le.Uint16(b[2:])) | int64(le.Uint16(b[120:]))<<16,
		gid:     int64(le.Uint16(b[24:])) | int64(le.Uint16(b[122:]))<<16,
		size:    int64(le.Uint32(b[4:])),
		links:   le.Uint16(b[26:]),
		blocks:  uint64(le.Uint32(b[28:])) | uint64(le.Uint16(b[116:]))<<32,
		flags:   le.Uint32(b[32:]),
		fileACL: uint64(le.Uint32(b[104:])) | uint64(le.Uint16(b[118:]))<<32,
		extra:   b[128:],
	}
	copy(n.iblock[:], b[40:100])
	// i_size_high is the directory ACL on revision 0 file systems.
	if largeFiles || n.mode&extractors.SIFMT == extractors.SIFREG {
		n.size |= int64(le.Uint32(b[108:])&0x7FFFFFFF) << 32
	}
	sec, nsec := int64(int32(le.Uint32(b[16:]))), int64(0)
	// With large inodes, mtime_extra adds two epoch bits and nanoseconds.
	if len(b) >= 140 && 128+int(le.Uint16(b[128:])) >= 140 {
		x := le.Uint32(b[136:])
		sec += int64(x&3) << 32
		nsec = int64(x >> 2)
	}
	n.mtime = time.Unix(sec, nsec).UTC()
	return n
}

func (n *inode) typ() uint32 { return n.mode & extractors.SIFMT }

func (n *inode) meta() extractors.Meta {
	return extractors.Meta{Mode: extractors.UnixMode(n.mode), UID: n.uid, GID: n.gid, MTime: n.mtime}
}

// device decodes the device number: the old 16-bit form in i_block[0], or
// the new 32-bit one in i_block[1] (Linux's new_encode_dev).
func (n *inode) device() (major, minor uint32) {
	le := binary.LittleEndian
	if d := le.Uint32(n.iblock[0:]); d != 0 {
		return d >> 8 & 0xFF, d & 0xFF
	}
	d := le.Uint32(n.iblock[4:])
	return d >> 8 & 0xFFF, d&0xFF | d>>12&0xFFF00
}

// fastSymlink tells whether a symlink's target is stored in i_block: no data
// blocks besides an extended attribute block (the kernel's
// ext4_inode_is_fast_symlink).
func (im *image) fastSymlink(n *inode) bool {
	if n.flags&(flagInlineData|flagEAInode) != 0 {
		return false
	}
	sectors := n.blocks
	if n.flags&flagHugeFile != 0 {
		sectors *= uint64(im.sb.bs / 512)
	}
	if n.fileACL != 0 {
		sectors -= min(sectors, uint64(im.sb.bs/512))
	}
	return sectors == 0 && n.size < 60
}
