package squashfs

import (
	"encoding/binary"
	"io/fs"

	"github.com/fwstar/fwstar/extractors"
)

// Inode types, as the basic types of every version number them.
const (
	typeDir     = 1
	typeFile    = 2
	typeSymlink = 3
	typeBlock   = 4
	typeChar    = 5
	typeFifo    = 6
	typeSocket  = 7
)

// maxTarget caps a symlink target (mksquashfs takes PATH_MAX ones).
const maxTarget = 65535

// inode is an inode of any version, in one shape.
type inode struct {
	ref    uint64 // where it is: metadata block << 16 | offset
	typ    int
	perm   uint16 // 12 bits: permissions, setuid, setgid, sticky
	uidIdx uint32
	gidIdx uint32 // 2.x/3.x: 0xFF means "same as uid"
	mtime  int64
	// directories: where the listing is and how long
	dirBlock  int64
	dirOffset int
	dirSize   int64
	// regular files
	start      int64
	size       int64
	frag       uint32
	fragOffset uint32
	blocks     []uint32
	// symlinks and devices
	target       string
	major, minor uint32
}

// mode is the inode's fs.FileMode: permissions plus, for Special, the type.
func (in *inode) mode() fs.FileMode {
	m := fs.FileMode(in.perm & 0o777)
	if in.perm&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if in.perm&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if in.perm&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch in.typ {
	case typeBlock:
		m |= fs.ModeDevice
	case typeChar:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case typeFifo:
		m |= fs.ModeNamedPipe
	case typeSocket:
		m |= fs.ModeSocket
	}
	return m
}

// readInode decodes the inode at ref from the inode table.
func (w *walker) readInode(ref uint64) (*inode, error) {
	if ref&0xFFFF >= metaSize {
		return nil, w.img.errorf(w.s.inodeStart, "inode reference 0x%X: offset past a block", ref)
	}
	p, err := w.inodes.pos(int64(ref>>16), int(ref&0xFFFF))
	if err != nil {
		return nil, err
	}
	in := &inode{ref: ref}
	if w.s.major == 4 {
		err = w.inode4(in, p)
	} else {
		err = w.inode3(in, p)
	}
	if err != nil {
		return nil, err
	}
	return in, nil
}

func (w *walker) inode4(in *inode, p int) error {
	o := w.s.order
	h, err := w.inodes.bytes(p, 16)
	if err != nil {
		return err
	}
	typ := int(o.Uint16(h))
	in.perm = o.Uint16(h[2:]) & 0o7777
	in.uidIdx, in.gidIdx = uint32(o.Uint16(h[4:])), uint32(o.Uint16(h[6:]))
	in.mtime = int64(o.Uint32(h[8:]))
	p += 16
	in.typ = typ
	if typ > typeSocket {
		in.typ = typ - 7 // extended types mirror the basic ones
	}
	switch typ {
	case 1: // basic directory
		b, err := w.inodes.bytes(p, 16)
		if err != nil {
			return err
		}
		in.dirBlock, in.dirSize = int64(o.Uint32(b)), int64(o.Uint16(b[8:]))
		in.dirOffset = int(o.Uint16(b[10:]))
	case 8: // extended directory; its index and xattrs are not needed
		b, err := w.inodes.bytes(p, 24)
		if err != nil {
			return err
		}
		in.dirSize, in.dirBlock = int64(o.Uint32(b[4:])), int64(o.Uint32(b[8:]))
		in.dirOffset = int(o.Uint16(b[18:]))
	case 2: // basic file
		b, err := w.inodes.bytes(p, 16)
		if err != nil {
			return err
		}
		in.start, in.frag = int64(o.Uint32(b)), o.Uint32(b[4:])
		in.fragOffset, in.size = o.Uint32(b[8:]), int64(o.Uint32(b[12:]))
		return w.blockList(in, p+16)
	case 9: // extended file: 64-bit sizes, sparse count, xattrs
		b, err := w.inodes.bytes(p, 40)
		if err != nil {
			return err
		}
		in.start, in.size = int64(o.Uint64(b)), int64(o.Uint64(b[8:]))
		in.frag, in.fragOffset = o.Uint32(b[28:]), o.Uint32(b[32:])
		return w.blockList(in, p+40)
	case 3, 10:
		b, err := w.inodes.bytes(p, 8)
		if err != nil {
			return err
		}
		return w.symlink(in, p+8, int(o.Uint32(b[4:])))
	case 4, 5, 11, 12:
		b, err := w.inodes.bytes(p, 8)
		if err != nil {
			return err
		}
		dev := o.Uint32(b[4:])
		in.major, in.minor = dev>>8&0xFFF, dev&0xFF|dev>>12&0xFFF00
	case 6, 7, 13, 14:
		if _, err := w.inodes.bytes(p, 4); err != nil {
			return err
		}
	default:
		return w.img.errorf(w.s.inodeStart, "inode 0x%X: unknown type %d", in.ref, typ)
	}
	return nil
}

// field reads an n-bit field at bit pos of a packed 2.x/3.x structure. Those
// were C bitfields, so little-endian images fill each byte from its low bit
// and big-endian ones from its high bit.
func field(b []byte, o binary.ByteOrder, pos, n int) uint64 {
	var v uint64
	for i := range n {
		bit := pos + i
		if o == binary.LittleEndian {
			v |= uint64(b[bit/8]>>(bit%8)&1) << i
		} else {
			v |= uint64(b[bit/8]>>(7-bit%8)&1) << (n - 1 - i)
		}
	}
	return v
}

// inode3 decodes the 2.x and 3.x inodes. Their common header is type:4
// mode:12 uid:8 guid:8, and 3.x adds mtime and an inode number to it.
func (w *walker) inode3(in *inode, p int) error {
	o := w.s.order
	v3 := w.s.major == 3
	base := 4
	if v3 {
		base = 12
	}
	// 40 bytes covers the largest fixed part (3.x long file).
	b, err := w.inodes.avail(p, 40)
	if err != nil {
		return err
	}
	if len(b) < base {
		return w.img.errorf(w.inodes.next, "inode 0x%X truncated", in.ref)
	}
	f := func(pos, n int) uint64 { return field(b, o, pos, n) }
	need := func(n int) error {
		if len(b) < n {
			return w.img.errorf(w.inodes.next, "inode 0x%X truncated", in.ref)
		}
		return nil
	}
	typ := int(f(0, 4))
	in.perm, in.uidIdx, in.gidIdx = uint16(f(4, 12)), uint32(f(16, 8)), uint32(f(24, 8))
	in.mtime = w.s.mtime
	if v3 {
		in.mtime = int64(f(32, 32))
	}
	in.typ = typ
	switch {
	case typ == 8: // long directory (with an index)
		in.typ = typeDir
		if v3 {
			if err := need(31); err != nil {
				return err
			}
			in.dirSize, in.dirOffset, in.dirBlock = int64(f(128, 27)), int(f(155, 13)), int64(f(168, 32))
		} else {
			if err := need(18); err != nil {
				return err
			}
			in.dirSize, in.dirOffset = int64(f(32, 27)), int(f(59, 13))
			in.mtime, in.dirBlock = int64(f(72, 32)), int64(f(104, 24))
		}
	case typ == typeDir:
		if v3 {
			if err := need(28); err != nil {
				return err
			}
			in.dirSize, in.dirOffset, in.dirBlock = int64(f(128, 19)), int(f(147, 13)), int64(f(160, 32))
		} else {
			if err := need(15); err != nil {
				return err
			}
			in.dirSize, in.dirOffset = int64(f(32, 19)), int(f(51, 13))
			in.mtime, in.dirBlock = int64(f(64, 32)), int64(f(96, 24))
		}
	case typ == 9 && v3: // long file: 64-bit size, link count
		in.typ = typeFile
		if err := need(40); err != nil {
			return err
		}
		in.start, in.frag, in.fragOffset, in.size = int64(f(128, 64)), uint32(f(192, 32)), uint32(f(224, 32)), int64(f(256, 64))
		return w.blockList(in, p+40)
	case typ == typeFile:
		if v3 {
			if err := need(32); err != nil {
				return err
			}
			in.start, in.frag, in.fragOffset, in.size = int64(f(96, 64)), uint32(f(160, 32)), uint32(f(192, 32)), int64(f(224, 32))
			return w.blockList(in, p+32)
		}
		if err := need(24); err != nil {
			return err
		}
		in.mtime = int64(f(32, 32))
		in.start, in.frag, in.fragOffset, in.size = int64(f(64, 32)), uint32(f(96, 32)), uint32(f(128, 32)), int64(f(160, 32))
		return w.blockList(in, p+24)
	case typ == typeSymlink:
		at := base // 2.x: size right after the header; 3.x: after nlink
		if v3 {
			at += 4
		}
		if err := need(at + 2); err != nil {
			return err
		}
		return w.symlink(in, p+at+2, int(f(at*8, 16)))
	case typ == typeBlock || typ == typeChar:
		at := base
		if v3 {
			at += 4
		}
		if err := need(at + 2); err != nil {
			return err
		}
		rdev := uint32(f(at*8, 16))
		in.major, in.minor = rdev>>8, rdev&0xFF
	case typ == typeFifo || typ == typeSocket:
	default:
		return w.img.errorf(w.s.inodeStart, "inode 0x%X: unknown type %d", in.ref, typ)
	}
	return nil
}

// blockList reads a file's block sizes: one per full block, and one for the
// tail unless the tail sits in a fragment.
func (w *walker) blockList(in *inode, p int) error {
	if in.size < 0 {
		return w.img.errorf(w.s.inodeStart, "inode 0x%X: negative size", in.ref)
	}
	bs := int64(w.s.blockSize)
	n := in.size / bs
	if in.frag == noFragment && in.size%bs != 0 {
		n++
	}
	if n > extractors.MaxAlloc/4 {
		return w.img.errorf(w.s.inodeStart, "inode 0x%X: %d blocks", in.ref, n)
	}
	b, err := w.inodes.bytes(p, int(n)*4)
	if err != nil {
		return err
	}
	in.blocks = make([]uint32, n)
	for i := range in.blocks {
		in.blocks[i] = w.s.order.Uint32(b[4*i:])
	}
	return nil
}

func (w *walker) symlink(in *inode, p, n int) error {
	if n > maxTarget {
		return w.img.errorf(w.s.inodeStart, "inode 0x%X: symlink target of %d bytes", in.ref, n)
	}
	b, err := w.inodes.bytes(p, n)
	if err != nil {
		return err
	}
	in.target = string(b)
	return nil
}
