package squashfs

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"github.com/fwstar/fwstar/extractors"
)

// Compression ids of the 4.0 superblock. Versions 2 and 3 have no id: their
// blocks are zlib, or LZMA in vendor builds, told apart block by block.
const (
	compGzip = 1
	compLZMA = 2
	compLZO  = 3
	compXZ   = 4
	compLZ4  = 5
	compZstd = 6
	compAuto = 0 // v2/v3: zlib or vendor LZMA, sniffed per block
)

var compNames = map[int]string{compGzip: "gzip", compLZMA: "lzma", compLZO: "lzo", compXZ: "xz", compLZ4: "lz4", compZstd: "zstd", compAuto: "zlib"}

// magics are the first four bytes of a superblock as stored: the standard
// pair, and vendor magics that mark LZMA builds (DD-WRT's "hsqt", the
// "shsq"/"qshs" of several SDKs, Broadcom's "sqlz").
var magics = map[string]string{
	"hsqs": "", "sqsh": "",
	"hsqt": "dd-wrt", "tqsh": "dd-wrt",
	"shsq": "vendor", "qshs": "vendor",
	"sqlz": "vendor-lzma", "zlqs": "vendor-lzma",
}

const (
	superSize4 = 96
	superSize3 = 119 // packed struct of squashfs 3.x
	superSize2 = 63  // 2.x: the 3.x struct up to fragment_table_start_2

	noFragment = 0xFFFFFFFF
	noTable    = 0xFFFFFFFFFFFFFFFF

	flagCheck3 = 0x04 // 2.x/3.x: a check byte follows each metadata header
)

// superSizes is each major version's superblock size: its tables may start
// right after it.
var superSizes = map[int]int{2: superSize2, 3: superSize3, 4: superSize4}

// super is a superblock of any supported version, with every table offset
// relative to the start of the filesystem.
type super struct {
	order        binary.ByteOrder
	major, minor int
	variant      string // "" for the standard magic
	comp         int
	blockSize    uint32
	flags        uint16
	inodes       uint32
	mtime        int64
	bytesUsed    int64
	rootRef      uint64
	inodeStart   int64
	dirStart     int64
	fragStart    int64 // index of the fragment table
	fragments    uint32
	idStart      int64 // 4.0 id table index
	idCount      uint32
	uidStart     int64 // 2.x/3.x plain uid and gid arrays
	gidStart     int64
	uidCount     uint32
	gidCount     uint32
	check        bool // 2.x/3.x metadata check byte
}

func (s *super) endian() string {
	if s.order == binary.BigEndian {
		return "be"
	}
	return "le"
}

func (s *super) compName() string {
	if s.major < 4 && s.variant != "" {
		return "lzma"
	}
	return compNames[s.comp]
}

// info is the chunk's one-line description.
func (s *super) info() string {
	v := fmt.Sprintf("squashfs %d.%d %s", s.major, s.minor, s.compName())
	if s.order == binary.BigEndian {
		v += " big-endian"
	}
	if s.variant != "" {
		v += " (" + s.variant + " magic)"
	}
	return fmt.Sprintf("%s, %d inodes", v, s.inodes)
}

// readSuper reads and validates the superblock at off. It returns an error
// wrapping ErrNotFormat when the header is not a squashfs superblock; size
// bounds bytes_used only loosely (truncated images are still reported).
func readSuper(r io.ReaderAt, off, size int64) (*super, error) {
	b, err := extractors.ReadAt(r, off, 32, size)
	if err != nil {
		return nil, extractors.NotFormat("squashfs", "short superblock")
	}
	variant, ok := magics[string(b[:4])]
	if !ok {
		return nil, extractors.NotFormat("squashfs", "magic")
	}
	// The version field tells the byte order, whatever the magic says.
	var order binary.ByteOrder
	for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		if m := o.Uint16(b[28:]); m >= 2 && m <= 4 {
			order = o
			break
		}
	}
	if order == nil {
		return nil, extractors.NotFormat("squashfs", "unsupported version")
	}
	// A 2.x superblock is shorter: its image may end before 3.x's would.
	major := int(order.Uint16(b[28:]))
	b, err = extractors.ReadAt(r, off, superSizes[major], size)
	if err != nil {
		return nil, extractors.NotFormat("squashfs", "short superblock")
	}
	var s *super
	if major == 4 {
		s, err = parseSuper4(b, order)
	} else {
		s, err = parseSuper3(b, order)
	}
	if err != nil {
		return nil, err
	}
	s.variant = variant
	if err := s.validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func parseSuper4(b []byte, o binary.ByteOrder) (*super, error) {
	s := &super{
		order:      o,
		major:      4,
		minor:      int(o.Uint16(b[30:])),
		inodes:     o.Uint32(b[4:]),
		mtime:      int64(o.Uint32(b[8:])),
		blockSize:  o.Uint32(b[12:]),
		fragments:  o.Uint32(b[16:]),
		comp:       int(o.Uint16(b[20:])),
		flags:      o.Uint16(b[24:]),
		idCount:    uint32(o.Uint16(b[26:])),
		rootRef:    o.Uint64(b[32:]),
		bytesUsed:  int64(o.Uint64(b[40:])),
		idStart:    int64(o.Uint64(b[48:])),
		inodeStart: int64(o.Uint64(b[64:])),
		dirStart:   int64(o.Uint64(b[72:])),
		fragStart:  int64(o.Uint64(b[80:])),
	}
	if s.minor != 0 {
		return nil, extractors.NotFormat("squashfs", "unsupported 4.x minor version")
	}
	if s.comp < compGzip || s.comp > compZstd {
		return nil, extractors.NotFormat("squashfs", "unknown compressor")
	}
	if int(o.Uint16(b[22:])) != bits.TrailingZeros32(s.blockSize) {
		return nil, extractors.NotFormat("squashfs", "block_log does not match block_size")
	}
	if s.idCount == 0 || s.idStart < superSize4 {
		return nil, extractors.NotFormat("squashfs", "id table")
	}
	if s.fragments == 0 {
		s.fragStart = -1
	}
	return s, nil
}

// parseSuper3 reads the packed 2.x/3.x superblock; 2.x keeps 32-bit table
// offsets in the first fields, 3.x moved them to 64-bit fields at the end.
func parseSuper3(b []byte, o binary.ByteOrder) (*super, error) {
	s := &super{
		order:     o,
		major:     int(o.Uint16(b[28:])),
		minor:     int(o.Uint16(b[30:])),
		inodes:    o.Uint32(b[4:]),
		flags:     uint16(b[36]),
		uidCount:  uint32(b[37]),
		gidCount:  uint32(b[38]),
		mtime:     int64(o.Uint32(b[39:])), // unsigned, like every 2.x/3.x mtime
		rootRef:   o.Uint64(b[43:]),
		blockSize: o.Uint32(b[51:]),
		fragments: o.Uint32(b[55:]),
		comp:      compAuto,
	}
	s.check = s.flags&flagCheck3 != 0
	switch s.major {
	case 3:
		if s.minor > 1 {
			return nil, extractors.NotFormat("squashfs", "unsupported 3.x minor version")
		}
		s.bytesUsed = int64(o.Uint64(b[63:]))
		s.uidStart = int64(o.Uint64(b[71:]))
		s.gidStart = int64(o.Uint64(b[79:]))
		s.inodeStart = int64(o.Uint64(b[87:]))
		s.dirStart = int64(o.Uint64(b[95:]))
		s.fragStart = int64(o.Uint64(b[103:]))
	case 2:
		if s.minor > 1 {
			return nil, extractors.NotFormat("squashfs", "unsupported 2.x minor version")
		}
		s.bytesUsed = int64(o.Uint32(b[8:]))
		s.uidStart = int64(o.Uint32(b[12:]))
		s.gidStart = int64(o.Uint32(b[16:]))
		s.inodeStart = int64(o.Uint32(b[20:]))
		s.dirStart = int64(o.Uint32(b[24:]))
		s.fragStart = int64(o.Uint32(b[59:]))
	}
	if int(o.Uint16(b[34:])) != bits.TrailingZeros32(s.blockSize) {
		return nil, extractors.NotFormat("squashfs", "block_log does not match block_size")
	}
	if s.fragments == 0 {
		s.fragStart = -1
	}
	return s, nil
}

// validate checks what every version shares: the block size, and tables
// that lie in order inside bytes_used.
func (s *super) validate() error {
	if s.blockSize < 4096 || s.blockSize > 1<<20 || s.blockSize&(s.blockSize-1) != 0 {
		return extractors.NotFormat("squashfs", "block size")
	}
	minSize := int64(superSizes[s.major])
	if s.bytesUsed < minSize || s.inodeStart < minSize || s.dirStart <= s.inodeStart || s.dirStart >= s.bytesUsed {
		return extractors.NotFormat("squashfs", "table offsets")
	}
	if s.fragStart >= s.bytesUsed || (s.fragStart >= 0 && s.fragStart < s.dirStart) {
		return extractors.NotFormat("squashfs", "fragment table offset")
	}
	if s.major == 4 && s.idStart >= s.bytesUsed {
		return extractors.NotFormat("squashfs", "id table offset")
	}
	if s.major < 4 && (s.uidStart > s.bytesUsed || s.gidStart > s.bytesUsed) {
		return extractors.NotFormat("squashfs", "uid table offset")
	}
	if s.inodes == 0 || s.rootRef>>16 >= uint64(s.dirStart-s.inodeStart) || s.rootRef&0xFFFF >= metaSize {
		return extractors.NotFormat("squashfs", "root inode")
	}
	return nil
}
