package ubi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/anchore/go-lzo"
	"github.com/klauspost/compress/zstd"

	"github.com/fwstar/fwstar/extractors/inflate"
)

// UBIFS structures are little-endian.
var le = binary.LittleEndian

const (
	ubifsMagic = 0x06101831
	chSize     = 24 // common header

	nodeIno  = 0
	nodeData = 1
	nodeDent = 2
	nodeXent = 3
	nodeSB   = 6
	nodeMst  = 7
	nodeIdx  = 9

	sbNodeSize   = 4096
	mstNodeSize  = 512
	inoNodeSize  = 160
	dataNodeSize = 48
	dentNodeSize = 56
	idxNodeSize  = 28

	blockSize = 4096 // UBIFS_BLOCK_SIZE: the data of one data node
	rootIno   = 1

	// Key types, in the top three bits of a key's second word.
	keyIno  = 0
	keyData = 1
	keyDent = 2
	keyXent = 3

	flagAuthentication = 0x10

	comprNone = 0
	comprLZO  = 1
	comprZlib = 2
	comprZstd = 3

	// maxLEB bounds the LEB size: NAND erase blocks are at most a few MiB.
	maxLEB = 16 << 20
)

// checkNode validates the common header and CRC of the node at the start
// of b, which holds at least the node's length when it is valid, and
// returns the node.
func checkNode(b []byte) ([]byte, bool) {
	if len(b) < chSize || le.Uint32(b) != ubifsMagic {
		return nil, false
	}
	n := le.Uint32(b[16:])
	if n < chSize || int64(n) > int64(len(b)) || crc(b[8:n]) != le.Uint32(b[4:]) {
		return nil, false
	}
	return b[:n], true
}

// ubifsSuper is what the reader needs of the superblock node.
type ubifsSuper struct {
	flags        uint32
	minIO        uint32
	lebSize      int64
	lebCnt       int64
	keyFmt       uint8
	fmtVersion   uint32
	defaultCompr uint16
	hashLen      int
}

func parseSuper(b []byte) (ubifsSuper, error) {
	n, ok := checkNode(b)
	if !ok || n[20] != nodeSB || len(n) < sbNodeSize {
		return ubifsSuper{}, errors.New("bad superblock node")
	}
	s := ubifsSuper{keyFmt: n[27], flags: le.Uint32(n[28:]), minIO: le.Uint32(n[32:]),
		lebSize: int64(le.Uint32(n[36:])), lebCnt: int64(le.Uint32(n[40:])),
		fmtVersion: le.Uint32(n[80:]), defaultCompr: le.Uint16(n[84:])}
	if s.keyFmt != 0 {
		return s, fmt.Errorf("key format %d", s.keyFmt)
	}
	if s.lebSize < 15<<10 || s.lebSize > maxLEB || s.lebCnt < 3 || s.minIO == 0 || int64(s.minIO) > s.lebSize {
		return s, errors.New("geometry out of range")
	}
	if s.flags&flagAuthentication != 0 {
		// Index branches then carry a hash of the child (enum hash_algo).
		switch le.Uint16(n[256:]) {
		case 2:
			s.hashLen = 20 // SHA-1
		case 4:
			s.hashLen = 32 // SHA-256
		case 5:
			s.hashLen = 48 // SHA-384
		case 6:
			s.hashLen = 64 // SHA-512
		case 7:
			s.hashLen = 28 // SHA-224
		default:
			return s, errors.New("unknown hash algorithm")
		}
	}
	return s, nil
}

// master is the newest master node's pointer to the index root.
type master struct {
	sqnum                       uint64
	rootLnum, rootOffs, rootLen uint32
}

func parseMaster(n []byte) (master, bool) {
	if n[20] != nodeMst || len(n) < 60 {
		return master{}, false
	}
	return master{sqnum: le.Uint64(n[8:]), rootLnum: le.Uint32(n[48:]), rootOffs: le.Uint32(n[52:]), rootLen: le.Uint32(n[56:])}, true
}

// key decodes the simple key format: the inode number and, in the second
// word, the key type and a block number or name hash.
func keyOf(k []byte) (inum uint32, typ uint8, low uint32) {
	w := le.Uint32(k[4:])
	return le.Uint32(k), uint8(w >> 29), w & 0x1FFFFFFF
}

// ubifsInode is an inode node's metadata.
type ubifsInode struct {
	inum           uint32
	size           uint64
	mtime          int64
	nlink          uint32
	uid, gid, mode uint32
	data           []byte // symlink target or device number
}

func parseIno(n []byte) (ubifsInode, bool) {
	if len(n) < inoNodeSize || n[20] != nodeIno {
		return ubifsInode{}, false
	}
	dl := int(le.Uint32(n[112:]))
	if dl > len(n)-inoNodeSize {
		return ubifsInode{}, false
	}
	inum, _, _ := keyOf(n[24:])
	return ubifsInode{inum: inum, size: le.Uint64(n[48:]), mtime: int64(le.Uint64(n[72:])),
		nlink: le.Uint32(n[92:]), uid: le.Uint32(n[96:]), gid: le.Uint32(n[100:]), mode: le.Uint32(n[104:]),
		data: append([]byte(nil), n[inoNodeSize:inoNodeSize+dl]...)}, true
}

// ubifsDent is a directory entry: name in directory parent is inode inum.
type ubifsDent struct {
	parent, inum uint32
	typ          uint8
	name         string
}

func parseDent(n []byte) (ubifsDent, bool) {
	if len(n) < dentNodeSize || n[20] != nodeDent {
		return ubifsDent{}, false
	}
	nl := int(le.Uint16(n[50:]))
	if nl > len(n)-dentNodeSize {
		return ubifsDent{}, false
	}
	parent, _, _ := keyOf(n[24:])
	inum := le.Uint64(n[40:])
	if inum > 0xFFFFFFFF {
		return ubifsDent{}, false
	}
	return ubifsDent{parent: parent, inum: uint32(inum), typ: n[49], name: string(n[dentNodeSize : dentNodeSize+nl])}, true
}

// decoder expands data nodes; one per worker, as the zstd decoder keeps
// state.
type decoder struct {
	zstd *zstd.Decoder
}

// decodeData expands a data node into dst (a block) and returns the length.
func (d *decoder) decodeData(n []byte, dst []byte) (int, error) {
	if len(n) < dataNodeSize || n[20] != nodeData {
		return 0, errors.New("not a data node")
	}
	size := int(le.Uint32(n[40:]))
	if size > len(dst) {
		return 0, fmt.Errorf("data node of %d bytes", size)
	}
	src, out := n[dataNodeSize:], dst[:size]
	switch c := le.Uint16(n[44:]); c {
	case comprNone:
		if len(src) < size {
			return 0, io.ErrUnexpectedEOF
		}
		copy(out, src)
	case comprLZO:
		m, err := lzo.Decompress(src, out)
		if err != nil {
			return 0, err
		}
		if m != size {
			return 0, io.ErrUnexpectedEOF
		}
	case comprZlib:
		// UBIFS stores raw deflate, without the zlib header.
		m, _, err := inflate.Decode(out, src)
		if err != nil {
			return 0, err
		}
		if m != size {
			return 0, io.ErrUnexpectedEOF
		}
	case comprZstd:
		if d.zstd == nil {
			var err error
			if d.zstd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<20)); err != nil {
				return 0, err
			}
		}
		got, err := d.zstd.DecodeAll(src, out[:0])
		if err != nil {
			return 0, err
		}
		if len(got) != size {
			return 0, errors.New("zstd: wrong size")
		}
		copy(out, got) // a no-op unless the decoder had to grow the buffer
	default:
		return 0, fmt.Errorf("unknown compressor %d", c)
	}
	return size, nil
}

func (d *decoder) close() {
	if d.zstd != nil {
		d.zstd.Close()
	}
}
