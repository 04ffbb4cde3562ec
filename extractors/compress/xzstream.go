package compress

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
)

// The .xz container (xz-file-format-1.2.0) is walked without decoding: every
// header, the index and the footer carry a CRC32, and LZMA2 chunks state their
// compressed sizes, so the exact end of a stream falls out of a few small
// reads even when block headers omit their sizes (xz's single-threaded mode).

var xzMagic = []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}

var errXZ = errors.New("bad xz structure")

// xzCheckSize is the size of a block's check field by check ID (spec 3.1.3).
func xzCheckSize(id byte) int64 {
	if id == 0 {
		return 0
	}
	return 4 << ((id - 1) / 3)
}

// xzHeader validates the 12-byte stream header at off and returns its check ID.
func xzHeader(w *window, off int64) (byte, error) {
	h, err := w.at(off, 12)
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(h[:6], xzMagic) || h[6] != 0 || h[7] > 0x0F || crc32.ChecksumIEEE(h[6:8]) != binary.LittleEndian.Uint32(h[8:]) {
		return 0, errXZ
	}
	return h[7], nil
}

// uvarint reads an xz multibyte integer (at most 9 bytes) at off.
func uvarint(w *window, off int64) (v uint64, n int64, err error) {
	for i := 0; i < 9; i++ {
		b, err := w.at(off+int64(i), 1)
		if err != nil {
			return 0, 0, err
		}
		v |= uint64(b[0]&0x7F) << (7 * i)
		if b[0]&0x80 == 0 {
			if b[0] == 0 && i > 0 {
				return 0, 0, errXZ // not minimally encoded
			}
			return v, int64(i + 1), nil
		}
	}
	return 0, 0, errXZ
}

// xzStreamEnd walks one stream starting at off and returns the offset just
// past its footer and the number of blocks.
func xzStreamEnd(w *window, off int64) (end int64, blocks int, err error) {
	check, err := xzHeader(w, off)
	if err != nil {
		return 0, 0, err
	}
	pos := off + 12
	for {
		b, err := w.at(pos, 1)
		if err != nil {
			return 0, 0, err
		}
		if b[0] == 0 {
			break // index indicator
		}
		next, err := xzBlockEnd(w, pos, check)
		if err != nil {
			return 0, 0, err
		}
		pos = next
		blocks++
	}
	// Index: indicator, record count, records, padding, CRC32.
	idx := pos
	count, n, err := uvarint(w, pos+1)
	if err != nil || count != uint64(blocks) {
		return 0, 0, errXZ
	}
	pos += 1 + n
	for range count {
		for range 2 { // unpadded size, uncompressed size
			_, n, err := uvarint(w, pos)
			if err != nil {
				return 0, 0, err
			}
			pos += n
		}
	}
	pos += (4 - (pos-idx)%4) % 4
	crc := crc32.NewIEEE()
	for p := idx; p < pos; {
		k := min(4096, pos-p)
		b, err := w.at(p, int(k))
		if err != nil {
			return 0, 0, err
		}
		crc.Write(b)
		p += k
	}
	f, err := w.at(pos, 16)
	if err != nil {
		return 0, 0, err
	}
	if crc.Sum32() != binary.LittleEndian.Uint32(f) {
		return 0, 0, errXZ
	}
	// Footer: CRC32, backward size, flags equal to the header's, "YZ".
	f = f[4:]
	backward := (int64(binary.LittleEndian.Uint32(f[4:])) + 1) * 4
	if crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f) || f[8] != 0 || f[9] != check ||
		f[10] != 'Y' || f[11] != 'Z' || backward != pos+4-idx {
		return 0, 0, errXZ
	}
	return pos + 16, blocks, nil
}

// xzBlockEnd returns the end of the block at off, check field included.
func xzBlockEnd(w *window, off int64, check byte) (int64, error) {
	sz, err := w.at(off, 1)
	if err != nil {
		return 0, err
	}
	hs := (int(sz[0]) + 1) * 4
	h, err := w.at(off, hs)
	if err != nil {
		return 0, err
	}
	if crc32.ChecksumIEEE(h[:hs-4]) != binary.LittleEndian.Uint32(h[hs-4:]) || h[1]&0x3C != 0 {
		return 0, errXZ
	}
	data := off + int64(hs)
	var end int64
	if h[1]&0x40 != 0 { // compressed size present
		csize, n := binary.Uvarint(h[2 : hs-4])
		if n <= 0 || csize == 0 || csize > uint64(w.size) {
			return 0, errXZ
		}
		end = data + int64(csize)
	} else if end, err = lzma2End(w, data); err != nil {
		return 0, err
	}
	end += (4 - (end-off)%4) % 4
	end += xzCheckSize(check)
	if end > w.size {
		return 0, io.ErrUnexpectedEOF
	}
	return end, nil
}

// lzma2End follows the chunk headers of LZMA2 data at off to its end marker.
func lzma2End(w *window, off int64) (int64, error) {
	for {
		c, err := w.at(off, 1)
		if err != nil {
			return 0, err
		}
		switch ctl := c[0]; {
		case ctl == 0:
			return off + 1, nil
		case ctl == 1 || ctl == 2: // uncompressed chunk
			h, err := w.at(off, 3)
			if err != nil {
				return 0, err
			}
			off += 3 + int64(binary.BigEndian.Uint16(h[1:])) + 1
		case ctl >= 0x80: // LZMA chunk; a properties byte follows on state resets 2 and 3
			h, err := w.at(off, 5)
			if err != nil {
				return 0, err
			}
			hl := int64(5)
			if (ctl>>5)&3 >= 2 {
				hl = 6
			}
			off += hl + int64(binary.BigEndian.Uint16(h[3:])) + 1
		default:
			return 0, errXZ
		}
	}
}

// xzEnd walks concatenated streams from off: stream padding (multiples of
// four zero bytes) belongs to the chunk only when another stream follows it.
func xzEnd(w *window, off int64) (end int64, streams, blocks int, err error) {
	end, blocks, err = xzStreamEnd(w, off)
	if err != nil {
		return 0, 0, 0, err
	}
	streams = 1
	for {
		p := end
		for {
			z, err := w.at(p, 4)
			if err != nil || binary.LittleEndian.Uint32(z) != 0 {
				break
			}
			p += 4
		}
		e, b, err := xzStreamEnd(w, p)
		if err != nil {
			return end, streams, blocks, nil
		}
		end, streams, blocks = e, streams+1, blocks+b
	}
}
