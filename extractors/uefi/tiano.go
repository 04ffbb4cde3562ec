package uefi

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The EFI 1.1 / Tiano compression format (UEFI spec, "Compression
// Algorithm Specification"): an 8-byte header (compressed size, original
// size), then blocks of an LZ77 stream whose literals/lengths and positions
// are Huffman-coded with tables sent at the start of each block. EFI and
// Tiano differ only in the width of the position-table count: 4 bits or 5.
// No Go library implements it, so this is our own decoder, written from the
// specification's description.

const (
	tnMaxMatch  = 256
	tnThreshold = 3
	tnNC        = 0xFF + tnMaxMatch + 2 - tnThreshold // literal/length symbols: 510
	tnCBit      = 9
	tnNT        = 16 + 3 // code-length symbols
	tnTBit      = 5
	tnMaxNP     = 31 // position symbols with a 5-bit count
	tnNPT       = tnMaxNP
)

var errBadTable = errors.New("bad Huffman table")

type tianoDecoder struct {
	src    []byte
	in     int
	bitBuf uint32
	subBuf uint32
	bitCnt int
	over   int // zero bytes fed past the end of the input, as edk2 feeds them
	pbit   int

	blockSize int
	cLen      [tnNC]byte
	ptLen     [tnNPT]byte
	cTable    [4096]uint16
	ptTable   [256]uint16
	left      [2*tnNC - 1]uint16
	right     [2*tnNC - 1]uint16
}

func (d *tianoDecoder) fill(n int) {
	d.bitBuf <<= uint(n)
	for n > d.bitCnt {
		n -= d.bitCnt
		d.bitBuf |= d.subBuf << uint(n)
		if d.in < len(d.src) {
			d.subBuf = uint32(d.src[d.in])
			d.in++
		} else {
			d.subBuf = 0
			d.over++
		}
		d.bitCnt = 8
	}
	d.bitCnt -= n
	d.bitBuf |= d.subBuf >> uint(d.bitCnt)
}

// exhausted reports whether the bits consumed so far run past the input: the
// 32-bit window and the byte being shifted in are read ahead, not consumed.
// edk2 decodes the zeros it feeds there; a stream cut short would then end
// in wrong bytes without an error.
func (d *tianoDecoder) exhausted() bool {
	return 8*(d.in+d.over)-d.bitCnt-32 > 8*len(d.src)
}

func (d *tianoDecoder) bits(n int) uint32 {
	v := d.bitBuf >> uint(32-n)
	d.fill(n)
	return v
}

// makeTable builds a canonical Huffman decoding table: codes up to
// tableBits long are looked up directly, longer ones walk left/right.
func (d *tianoDecoder) makeTable(nchar int, bitLen []byte, tableBits int, table []uint16) error {
	var count [17]uint16
	var start, weight [18]uint16
	for i := 0; i < nchar; i++ {
		if bitLen[i] > 16 {
			return errBadTable
		}
		count[bitLen[i]]++
	}
	for i := 1; i <= 16; i++ {
		start[i+1] = start[i] + count[i]<<uint(16-i)
	}
	if start[17] != 0 { // the code space must fill 2^16 exactly (mod 2^16)
		return errBadTable
	}
	ju := uint(16 - tableBits)
	for i := 1; i <= tableBits; i++ {
		start[i] >>= ju
		weight[i] = 1 << uint(tableBits-i)
	}
	for i := tableBits + 1; i <= 16; i++ {
		weight[i] = 1 << uint(16-i)
	}
	if idx := int(start[tableBits+1] >> ju); idx != 0 {
		for ; idx < 1<<uint(tableBits); idx++ {
			table[idx] = 0
		}
	}
	avail := uint16(nchar)
	mask := uint16(1) << uint(15-tableBits)
	for ch := 0; ch < nchar; ch++ {
		l := int(bitLen[ch])
		if l == 0 {
			continue
		}
		next := uint32(start[l]) + uint32(weight[l])
		if l <= tableBits {
			if next > uint32(len(table)) {
				return errBadTable
			}
			for i := uint32(start[l]); i < next; i++ {
				table[i] = uint16(ch)
			}
		} else {
			i3 := start[l]
			p := &table[i3>>ju]
			for i := l - tableBits; i > 0; i-- {
				if *p == 0 {
					if int(avail) >= len(d.left) {
						return errBadTable
					}
					d.left[avail], d.right[avail] = 0, 0
					*p = avail
					avail++
				}
				if int(*p) >= len(d.left) {
					return errBadTable
				}
				if i3&mask != 0 {
					p = &d.right[*p]
				} else {
					p = &d.left[*p]
				}
				i3 <<= 1
			}
			*p = uint16(ch)
		}
		start[l] = uint16(next)
	}
	return nil
}

func (d *tianoDecoder) readPTLen(nn, nbit, special int) error {
	n := int(d.bits(nbit))
	if n == 0 {
		c := uint16(d.bits(nbit))
		for i := range d.ptTable {
			d.ptTable[i] = c
		}
		clear(d.ptLen[:nn])
		return nil
	}
	if n > nn {
		return fmt.Errorf("%d code lengths for %d symbols", n, nn)
	}
	i := 0
	for i < n {
		c := int(d.bitBuf >> 29)
		if c == 7 {
			for m := uint32(1) << 28; m&d.bitBuf != 0; m >>= 1 {
				c++
				if c > 16 {
					return errBadTable
				}
			}
		}
		if c < 7 {
			d.fill(3)
		} else {
			d.fill(c - 3)
		}
		d.ptLen[i] = byte(c)
		i++
		if i == special {
			for z := int(d.bits(2)); z > 0 && i < nn; z-- {
				d.ptLen[i] = 0
				i++
			}
		}
	}
	clear(d.ptLen[i:nn])
	return d.makeTable(nn, d.ptLen[:], 8, d.ptTable[:])
}

func (d *tianoDecoder) readCLen() error {
	n := int(d.bits(tnCBit))
	if n == 0 {
		c := uint16(d.bits(tnCBit))
		clear(d.cLen[:])
		for i := range d.cTable {
			d.cTable[i] = c
		}
		return nil
	}
	if n > tnNC {
		return fmt.Errorf("%d code lengths", n)
	}
	i := 0
	for i < n {
		c := d.ptTable[d.bitBuf>>24]
		if c >= tnNT {
			for m := uint32(1) << 23; c >= tnNT; m >>= 1 {
				if m == 0 || int(c) >= len(d.left) {
					return errBadTable
				}
				if d.bitBuf&m != 0 {
					c = d.right[c]
				} else {
					c = d.left[c]
				}
			}
		}
		d.fill(int(d.ptLen[c]))
		if c <= 2 {
			var z int
			switch c {
			case 0:
				z = 1
			case 1:
				z = int(d.bits(4)) + 3
			case 2:
				z = int(d.bits(tnCBit)) + 20
			}
			for ; z > 0 && i < tnNC; z-- {
				d.cLen[i] = 0
				i++
			}
		} else {
			d.cLen[i] = byte(c - 2)
			i++
		}
	}
	clear(d.cLen[i:])
	return d.makeTable(tnNC, d.cLen[:], 12, d.cTable[:])
}

func (d *tianoDecoder) decodeC() (int, error) {
	if d.blockSize == 0 {
		d.blockSize = int(d.bits(16))
		if err := d.readPTLen(tnNT, tnTBit, 3); err != nil {
			return 0, err
		}
		if err := d.readCLen(); err != nil {
			return 0, err
		}
		if err := d.readPTLen(tnMaxNP, d.pbit, -1); err != nil {
			return 0, err
		}
	}
	d.blockSize--
	c := d.cTable[d.bitBuf>>20]
	for m := uint32(1) << 19; c >= tnNC; m >>= 1 {
		if m == 0 || int(c) >= len(d.left) {
			return 0, errBadTable
		}
		if d.bitBuf&m != 0 {
			c = d.right[c]
		} else {
			c = d.left[c]
		}
	}
	d.fill(int(d.cLen[c]))
	return int(c), nil
}

func (d *tianoDecoder) decodeP() (int, error) {
	v := d.ptTable[d.bitBuf>>24]
	for m := uint32(1) << 23; v >= tnMaxNP; m >>= 1 {
		if m == 0 || int(v) >= len(d.left) {
			return 0, errBadTable
		}
		if d.bitBuf&m != 0 {
			v = d.right[v]
		} else {
			v = d.left[v]
		}
	}
	d.fill(int(d.ptLen[v]))
	if v > 1 {
		return 1<<uint(v-1) + int(d.bits(int(v-1))), nil
	}
	return int(v), nil
}

// decompressVersion decodes a whole compressed buffer, header included.
// want is the original size the caller expects (checked against the header).
func decompressVersion(src []byte, want int64, pbit int) ([]byte, error) {
	if len(src) < 8 {
		return nil, fmt.Errorf("header truncated")
	}
	comp := int64(binary.LittleEndian.Uint32(src))
	orig := int64(binary.LittleEndian.Uint32(src[4:]))
	if comp > int64(len(src)-8) {
		return nil, fmt.Errorf("compressed size %d, %d bytes present", comp, len(src)-8)
	}
	if orig != want {
		return nil, fmt.Errorf("original size %d, section says %d", orig, want)
	}
	d := &tianoDecoder{src: src[8 : 8+comp], pbit: pbit}
	d.fill(32)
	out := make([]byte, 0, min(orig, 1<<20))
	for int64(len(out)) < orig {
		if d.exhausted() {
			return out, fmt.Errorf("input exhausted at output %d of %d", len(out), orig)
		}
		c, err := d.decodeC()
		if err != nil {
			return out, err
		}
		if c < 256 {
			out = append(out, byte(c))
			continue
		}
		n := c - (256 - tnThreshold)
		p, err := d.decodeP()
		if err != nil {
			return out, err
		}
		from := len(out) - p - 1
		if from < 0 {
			return out, fmt.Errorf("match distance %d at output %d", p+1, len(out))
		}
		for ; n > 0 && int64(len(out)) < orig; n-- {
			out = append(out, out[from])
			from++
		}
	}
	if d.exhausted() {
		return out, fmt.Errorf("input exhausted at the last symbol")
	}
	return out, nil
}

// decompressEFI decodes an EFI_STANDARD_COMPRESSION section. Both EFI 1.1
// and Tiano encoders wrote that section type, so Tiano is tried second.
func decompressEFI(src []byte, want int64) ([]byte, error) {
	out, err := decompressVersion(src, want, 4)
	if err == nil {
		return out, nil
	}
	if out2, err2 := decompressVersion(src, want, 5); err2 == nil {
		return out2, nil
	}
	return out, err
}

// decompressTiano decodes a Tiano GUID-defined section.
func decompressTiano(src []byte, want int64) ([]byte, error) {
	return decompressVersion(src, want, 5)
}
