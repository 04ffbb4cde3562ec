// Package jffs2 reads JFFS2 images (the journalling flash file system of
// Linux's MTD layer), in either byte order. No Go module for JFFS2 is served,
// so the reader is written from the kernel's on-flash layout
// (include/uapi/linux/jffs2.h).
package jffs2

import (
	"encoding/binary"
	"hash/crc32"
)

const (
	magic = 0x1985

	// Node types; the accurate bit (0x2000) is cleared on flash when a node
	// becomes obsolete.
	typeDirent      = 0xE001
	typeInode       = 0xE002
	typeCleanmarker = 0x2003
	typePadding     = 0x2004
	typeSummary     = 0x2006
	typeXattr       = 0xE008
	typeXref        = 0xE009
	accurate        = 0x2000

	headerSize = 12
	direntSize = 40 // fixed part; the name follows
	inodeSize  = 68 // fixed part; the (compressed) data follows

	// maxNode bounds a node's length: nodes never cross an erase block, and
	// no flash in use has erase blocks above a few MiB.
	maxNode = 4 << 20
	// maxPage bounds a data node's uncompressed size (PAGE_SIZE on the
	// writing kernel, 4 to 64 KiB).
	maxPage = 1 << 20
)

// crc is the kernel's crc32(0, p, n): the IEEE polynomial without the
// initial and final inversions of the usual CRC-32.
func crc(p []byte) uint32 { return ^crc32.Update(0xFFFFFFFF, crc32.IEEETable, p) }

// header is the part common to every node.
type header struct {
	nodeType uint16
	totlen   uint32
}

// parseHeader checks the magic and hdr_crc of the 12 bytes at b, in order bo.
// Obsolete nodes are returned with their accurate bit clear; the CRC was
// computed with it set.
func parseHeader(b []byte, bo binary.ByteOrder) (header, bool) {
	if len(b) < headerSize || bo.Uint16(b) != magic {
		return header{}, false
	}
	var tmp [8]byte
	copy(tmp[:], b[:8])
	bo.PutUint16(tmp[2:], bo.Uint16(b[2:])|accurate)
	if crc(tmp[:]) != bo.Uint32(b[8:]) {
		return header{}, false
	}
	h := header{nodeType: bo.Uint16(b[2:]), totlen: bo.Uint32(b[4:])}
	if h.totlen < headerSize || h.totlen > maxNode {
		return header{}, false
	}
	return h, true
}

// knownType tells whether t (accurate bit set) is a node type of the format.
func knownType(t uint16) bool {
	switch t | accurate {
	case typeDirent, typeInode, typeCleanmarker, typePadding, typeSummary, typeXattr, typeXref:
		return true
	}
	return false
}

// dirent is a directory entry node: name in directory pino is inode ino, or
// is deleted when ino is 0. version orders the entries of one directory.
type dirent struct {
	pino, version, ino uint32
	typ                uint8
	name               string
}

// parseDirent decodes and checks a dirent node (b holds the whole node).
func parseDirent(b []byte, bo binary.ByteOrder) (dirent, bool) {
	if len(b) < direntSize || crc(b[:direntSize-8]) != bo.Uint32(b[32:]) {
		return dirent{}, false
	}
	n := int(b[28])
	if direntSize+n > len(b) {
		return dirent{}, false
	}
	name := b[direntSize : direntSize+n]
	if crc(name) != bo.Uint32(b[36:]) {
		return dirent{}, false
	}
	return dirent{pino: bo.Uint32(b[12:]), version: bo.Uint32(b[16:]), ino: bo.Uint32(b[20:]),
		typ: b[29], name: string(name)}, true
}

// inode is a data node: metadata of inode ino at this version and dsize
// bytes of its data at offset, stored compressed as csize bytes.
type inode struct {
	ino, version         uint32
	mode                 uint32
	uid, gid             uint16
	isize, mtime         uint32
	offset, csize, dsize uint32
	compr                uint8
	data                 int64 // absolute offset of the compressed data
}

// parseInode decodes and checks an inode node and its data CRC.
func parseInode(b []byte, bo binary.ByteOrder, at int64) (inode, bool) {
	if len(b) < inodeSize || crc(b[:inodeSize-8]) != bo.Uint32(b[64:]) {
		return inode{}, false
	}
	n := inode{ino: bo.Uint32(b[12:]), version: bo.Uint32(b[16:]), mode: bo.Uint32(b[20:]),
		uid: bo.Uint16(b[24:]), gid: bo.Uint16(b[26:]), isize: bo.Uint32(b[28:]), mtime: bo.Uint32(b[36:]),
		offset: bo.Uint32(b[44:]), csize: bo.Uint32(b[48:]), dsize: bo.Uint32(b[52:]), compr: b[56],
		data: at + inodeSize}
	if int64(n.csize) > int64(len(b)-inodeSize) || n.dsize > maxPage || uint64(n.offset)+uint64(n.dsize) > 1<<32 {
		return inode{}, false
	}
	if crc(b[inodeSize:inodeSize+int(n.csize)]) != bo.Uint32(b[60:]) {
		return inode{}, false
	}
	return n, true
}
