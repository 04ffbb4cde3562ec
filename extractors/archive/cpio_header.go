package archive

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// The four cpio header formats (POSIX odc, SVR4 newc and crc, the old binary
// one in either byte order) differ only in how the same fields are spelled and
// aligned, so one reader handles them all. cavaliergopher/cpio and u-root's
// reader refuse odc and bin, which old vendor ramdisks still use.

type cpioFormat int

const (
	cpioNewc  cpioFormat = iota // "070701", hex fields, 4-byte alignment
	cpioCRC                     // "070702", newc plus a sum of the data bytes
	cpioODC                     // "070707", octal fields, no alignment
	cpioBinLE                   // 0x71C7 little-endian, 16-bit fields, 2-byte alignment
	cpioBinBE
)

func (f cpioFormat) String() string {
	return [...]string{"newc", "crc", "odc", "bin (little-endian)", "bin (big-endian)"}[f]
}

const (
	cpioMaxName = 4096 // PATH_MAX; GNU cpio writes nothing longer
	cpioTrailer = "TRAILER!!!"
)

type cpioHeader struct {
	format         cpioFormat
	dev, ino       uint64
	mode           uint32
	uid, gid       int64
	nlink          uint32
	mtime          int64
	size           int64
	rmajor, rminor uint32
	check          uint32
	name           string
	data, next     int64 // offsets of the data and of the next header
}

// cpioFormatAt tells the format from the magic at b.
func cpioFormatAt(b []byte) (cpioFormat, bool) {
	switch {
	case len(b) >= 6 && string(b[:6]) == "070701":
		return cpioNewc, true
	case len(b) >= 6 && string(b[:6]) == "070702":
		return cpioCRC, true
	case len(b) >= 6 && string(b[:6]) == "070707":
		return cpioODC, true
	case len(b) >= 2 && b[0] == 0xC7 && b[1] == 0x71:
		return cpioBinLE, true
	case len(b) >= 2 && b[0] == 0x71 && b[1] == 0xC7:
		return cpioBinBE, true
	}
	return 0, false
}

func (f cpioFormat) headerSize() int {
	switch f {
	case cpioNewc, cpioCRC:
		return 110
	case cpioODC:
		return 76
	}
	return 26
}

// align rounds off, counted from the archive start, up to the format's unit.
func (f cpioFormat) align(start, off int64) int64 {
	unit := int64(1)
	switch f {
	case cpioNewc, cpioCRC:
		unit = 4
	case cpioBinLE, cpioBinBE:
		unit = 2
	}
	return start + (off-start+unit-1)/unit*unit
}

// fields parses n fixed-width numbers in base from b.
func fields(b []byte, widths []int, base int) ([]uint64, bool) {
	out := make([]uint64, len(widths))
	for i, w := range widths {
		v, err := strconv.ParseUint(string(b[:w]), base, 64)
		if err != nil {
			return nil, false
		}
		out[i], b = v, b[w:]
	}
	return out, true
}

// readCPIOHeader reads the header at off of an archive that starts at start
// in a blob of size bytes. Every length is checked against the bytes left.
func readCPIOHeader(r io.ReaderAt, start, off, size int64, want cpioFormat) (cpioHeader, error) {
	fail := func(msg string, args ...any) (cpioHeader, error) {
		return cpioHeader{}, extractors.Errorf("cpio", off, msg, args...)
	}
	hs := want.headerSize()
	b, err := extractors.ReadAt(r, off, hs, size)
	if err != nil {
		return fail("truncated header")
	}
	f, ok := cpioFormatAt(b)
	if !ok || f != want {
		return fail("bad magic %q", b[:min(6, len(b))])
	}
	h := cpioHeader{format: f}
	var namesize int64
	switch f {
	case cpioNewc, cpioCRC:
		v, ok := fields(b[6:], []int{8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8}, 16)
		if !ok {
			return fail("bad hex field")
		}
		h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime = v[0], uint32(v[1]), int64(v[2]), int64(v[3]), uint32(v[4]), int64(v[5])
		h.size, h.dev = int64(v[6]), v[7]<<32|v[8]
		h.rmajor, h.rminor = uint32(v[9]), uint32(v[10])
		namesize, h.check = int64(v[11]), uint32(v[12])
	case cpioODC:
		v, ok := fields(b[6:], []int{6, 6, 6, 6, 6, 6, 6, 11, 6, 11}, 8)
		if !ok {
			return fail("bad octal field")
		}
		h.dev, h.ino, h.mode, h.uid, h.gid, h.nlink = v[0], v[1], uint32(v[2]), int64(v[3]), int64(v[4]), uint32(v[5])
		h.rmajor, h.rminor = uint32(v[6]>>8), uint32(v[6]&0xFF)
		h.mtime, namesize, h.size = int64(v[7]), int64(v[8]), int64(v[9])
	default:
		var bo binary.ByteOrder = binary.LittleEndian
		if f == cpioBinBE {
			bo = binary.BigEndian
		}
		u := func(i int) uint64 { return uint64(bo.Uint16(b[2*i:])) }
		h.dev, h.ino, h.mode, h.uid, h.gid, h.nlink = u(1), u(2), uint32(u(3)), int64(u(4)), int64(u(5)), uint32(u(6))
		h.rmajor, h.rminor = uint32(u(7)>>8), uint32(u(7)&0xFF)
		// 32-bit values are stored as two 16-bit halves, the high half first.
		h.mtime = int64(u(8)<<16 | u(9))
		namesize = int64(u(10))
		h.size = int64(u(11)<<16 | u(12))
	}
	if namesize < 2 || namesize > cpioMaxName {
		return fail("name size %d", namesize)
	}
	nb, err := extractors.ReadAt(r, off+int64(hs), int(namesize), size)
	if err != nil {
		return fail("truncated name")
	}
	if nb[namesize-1] != 0 || bytes.IndexByte(nb[:namesize-1], 0) >= 0 {
		return fail("name not NUL-terminated")
	}
	h.name = string(nb[:namesize-1])
	h.data = f.align(start, off+int64(hs)+namesize)
	if h.size < 0 || h.size > size-h.data {
		return cpioHeader{}, &extractors.FormatError{Format: "cpio", Offset: off,
			Msg: fmt.Sprintf("%q: data of %d bytes runs past the end of the blob", h.name, h.size), Err: io.ErrUnexpectedEOF}
	}
	h.next = f.align(start, h.data+h.size)
	return h, nil
}
