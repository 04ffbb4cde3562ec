package inflate

import "encoding/binary"

// decoder is one stream's state. Bits are taken from the low end of bits;
// nb of them are valid and they are the bits of src just before src[in],
// so the bytes consumed are in - nb/8.
type decoder struct {
	src, dst []byte
	in, out  int
	bits     uint64
	nb       uint
	left     int  // bytes of the current stored block not yet copied
	stream   bool // a Reader's: leave the loops with errMore instead of running out

	lit  [litSize]uint32
	dist [distSize]uint32
	cl   [1 << clBits]uint32
	lens [maxLit + maxDist]uint8
}

// fastIn and fastOut are the input and output room that the fast loop needs
// for one symbol: an 8-byte refill and the longest match.
const (
	fastIn  = 8
	fastOut = 258 + 8 // and the 8-byte words of a match copy
)

func (d *decoder) run() error {
	for {
		if err := d.need(3); err != nil {
			return err
		}
		final := d.bits&1 != 0
		typ := d.bits >> 1 & 3
		d.drop(3)
		var err error
		switch typ {
		case 0:
			err = d.stored()
		case 1:
			err = d.codes(&fixedLit, &fixedDist)
		case 2:
			if err = d.header(); err == nil {
				err = d.codes(&d.lit, &d.dist)
			}
		default:
			err = ErrCorrupt
		}
		if err != nil || final {
			return err
		}
	}
}

// need makes sure n <= 56 bits are in the buffer, reading a byte at a time.
func (d *decoder) need(n uint) error {
	for d.nb < n {
		if d.in >= len(d.src) {
			return ErrTruncated
		}
		d.bits |= uint64(d.src[d.in]) << d.nb
		d.in++
		d.nb += 8
	}
	return nil
}

func (d *decoder) drop(n uint) {
	d.bits >>= n
	d.nb -= n
}

// stored copies a stored block: LEN and NLEN after the next byte boundary,
// then LEN bytes.
func (d *decoder) stored() error {
	if err := d.storedHeader(); err != nil {
		return err
	}
	n, avail, room := d.left, len(d.src)-d.in, len(d.dst)-d.out
	d.storedCopy()
	switch {
	case d.left == 0:
		return nil
	case min(n, avail) > room:
		return ErrTooBig // the bytes that are there would already pass dst
	}
	return ErrTruncated
}

// storedHeader reads a stored block's LEN and NLEN and hands the whole bytes
// still in the bit buffer back to src, where the block's bytes follow.
func (d *decoder) storedHeader() error {
	d.drop(d.nb & 7)
	if err := d.need(32); err != nil {
		return err
	}
	n := int(d.bits & 0xFFFF)
	if uint16(d.bits>>16) != ^uint16(n) {
		return ErrCorrupt
	}
	d.drop(32)
	d.in -= int(d.nb >> 3)
	d.bits, d.nb = 0, 0
	d.left = n
	return nil
}

// storedCopy copies what it can of the stored block's bytes left: as many as
// src holds and dst has room for.
func (d *decoder) storedCopy() {
	m := min(d.left, len(d.src)-d.in, len(d.dst)-d.out)
	copy(d.dst[d.out:d.out+m], d.src[d.in:d.in+m])
	d.in += m
	d.out += m
	d.left -= m
}

// clOrder is the order of the code-length code's lengths in a header.
var clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// header reads a dynamic block's code lengths and builds its tables.
func (d *decoder) header() error {
	if err := d.need(14); err != nil {
		return err
	}
	nlit := int(d.bits&31) + 257
	ndist := int(d.bits>>5&31) + 1
	ncl := int(d.bits>>10&15) + 4
	d.drop(14)
	if nlit > maxLit || ndist > maxDist {
		return ErrCorrupt
	}
	var cll [19]uint8
	for _, s := range clOrder[:ncl] {
		if err := d.need(3); err != nil {
			return err
		}
		cll[s] = uint8(d.bits & 7)
		d.drop(3)
	}
	if !build(d.cl[:], cll[:], clSyms[:], clBits, false) {
		return ErrCorrupt
	}

	lens := d.lens[:nlit+ndist]
	for i := 0; i < len(lens); {
		// A code of up to 7 bits and up to 7 extra bits.
		d.fill()
		e := d.cl[d.bits&(1<<clBits-1)]
		n := uint(e & 63)
		if e&fBad != 0 {
			return ErrCorrupt // an empty code-length code
		}
		if n > d.nb {
			return ErrTruncated
		}
		d.drop(n)
		sym := e >> 16
		if sym < 16 {
			lens[i] = uint8(sym)
			i++
			continue
		}
		var v uint8
		var rep int
		switch sym {
		case 16:
			if i == 0 {
				return ErrCorrupt
			}
			v, rep, n = lens[i-1], 3, 2
		case 17:
			rep, n = 3, 3
		default:
			rep, n = 11, 7
		}
		if n > d.nb {
			return ErrTruncated
		}
		rep += int(d.bits & (1<<n - 1))
		d.drop(n)
		if i+rep > len(lens) {
			return ErrCorrupt
		}
		for range rep {
			lens[i] = v
			i++
		}
	}
	if lens[256] == 0 {
		return ErrCorrupt // no end-of-block code: the block could never end
	}
	if !build(d.lit[:], lens[:nlit], litSyms[:], litBits, true) ||
		!build(d.dist[:], lens[nlit:], distSyms[:], distBits, true) {
		return ErrCorrupt
	}
	return nil
}

// fill tops the bit buffer up to at least 56 bits, or to the end of src.
func (d *decoder) fill() {
	for d.nb <= 56 && d.in < len(d.src) {
		d.bits |= uint64(d.src[d.in]) << d.nb
		d.in++
		d.nb += 8
	}
}

// codes decodes a Huffman-coded block up to its end-of-block code.
func (d *decoder) codes(lt *[litSize]uint32, dt *[distSize]uint32) error {
	src, dst := d.src, d.dst
	in, out, bits, nb := d.in, d.out, d.bits, d.nb

	// The fast loop: at least 8 bytes of input and 258 bytes of output
	// room, so one refill covers a whole symbol (15+5+15+13 = 48 bits
	// <= 56) and no output check is needed. A refill loads all 64 bits, so
	// after a symbol at least 16 of them are still the stream's: the next
	// symbol's entry is looked up before the refill, which hides the
	// table's latency.
	var e uint32
	if in <= len(src)-fastIn {
		bits |= binary.LittleEndian.Uint64(src[in:]) << nb
		in += int((63 - nb) >> 3)
		nb |= 56
		e = lt[bits&(1<<litBits-1)]
	}
	for in <= len(src)-fastIn && out <= len(dst)-fastOut {
		bits |= binary.LittleEndian.Uint64(src[in:]) << nb
		in += int((63 - nb) >> 3)
		nb |= 56

		if e&fSub != 0 {
			e = lt[e>>16+uint32(bits>>litBits)&(1<<(e>>8&15)-1)]
		}
		n := uint(e & 63)
		bits >>= n
		nb -= n
		if e&fLit != 0 {
			// Up to two more literals fit in the bits of this refill
			// (3*15 <= 48) and in the output room.
			dst[out] = byte(e >> 16)
			out++
			e = lt[bits&(1<<litBits-1)]
			if e&fLit == 0 {
				continue
			}
			n = uint(e & 63)
			bits >>= n
			nb -= n
			dst[out] = byte(e >> 16)
			out++
			e = lt[bits&(1<<litBits-1)]
			if e&fLit == 0 {
				continue
			}
			n = uint(e & 63)
			bits >>= n
			nb -= n
			dst[out] = byte(e >> 16)
			out++
			e = lt[bits&(1<<litBits-1)]
			continue
		}
		if e&fKind != 0 {
			d.in, d.out, d.bits, d.nb = in, out, bits, nb
			if e&fEOB != 0 {
				return nil
			}
			return ErrCorrupt
		}
		n = uint(e >> 8 & 15)
		length := int(e>>16) + int(bits&(1<<n-1))
		bits >>= n
		nb -= n

		e = dt[bits&(1<<distBits-1)]
		if e&fSub != 0 {
			e = dt[e>>16+uint32(bits>>distBits)&(1<<(e>>8&15)-1)]
		}
		n = uint(e & 63)
		bits >>= n
		nb -= n
		if e&fKind != 0 {
			d.in, d.out, d.bits, d.nb = in, out, bits, nb
			return ErrCorrupt
		}
		n = uint(e >> 8 & 15)
		dist := int(e>>16) + int(bits&(1<<n-1))
		bits >>= n
		nb -= n
		if dist > out {
			d.in, d.out, d.bits, d.nb = in, out, bits, nb
			return ErrCorrupt
		}
		// Copy in 8-byte words, which may write up to 7 bytes past the
		// match (inside the output room; later symbols overwrite them).
		from := out - dist
		switch {
		case dist >= 8:
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(dst[out+i:], binary.LittleEndian.Uint64(dst[from+i:]))
			}
		case dist == 1:
			v := uint64(dst[from]) * 0x0101010101010101
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(dst[out+i:], v)
			}
		default:
			copyMatch(dst, out, dist, length)
		}
		out += length
		e = lt[bits&(1<<litBits-1)]
	}
	d.in, d.out, d.bits, d.nb = in, out, bits, nb
	if d.stream {
		return errMore // the Reader refills src or empties dst, then resumes
	}
	return d.slowCodes(lt, dt)
}

// slowCodes is codes near the end of src or dst: it refills a byte at a
// time and checks every read and write. A Reader's decoder stops, between
// symbols, when dst has no room for the longest match.
func (d *decoder) slowCodes(lt *[litSize]uint32, dt *[distSize]uint32) error {
	for {
		if d.stream && len(d.dst)-d.out < 258 {
			return errMore
		}
		d.fill()
		e := lt[d.bits&(1<<litBits-1)]
		if e&fSub != 0 {
			e = lt[e>>16+uint32(d.bits>>litBits)&(1<<(e>>8&15)-1)]
		}
		n := uint(e & 63)
		if n > d.nb {
			return ErrTruncated
		}
		d.drop(n)
		if e&fLit != 0 {
			if d.out >= len(d.dst) {
				return ErrTooBig
			}
			d.dst[d.out] = byte(e >> 16)
			d.out++
			continue
		}
		if e&fKind != 0 {
			if e&fEOB != 0 {
				return nil
			}
			return ErrCorrupt
		}
		n = uint(e >> 8 & 15)
		if n > d.nb {
			return ErrTruncated
		}
		length := int(e>>16) + int(d.bits&(1<<n-1))
		d.drop(n)

		e = dt[d.bits&(1<<distBits-1)]
		if e&fSub != 0 {
			e = dt[e>>16+uint32(d.bits>>distBits)&(1<<(e>>8&15)-1)]
		}
		n = uint(e & 63)
		if n > d.nb {
			return ErrTruncated
		}
		d.drop(n)
		if e&fKind != 0 {
			return ErrCorrupt
		}
		n = uint(e >> 8 & 15)
		if n > d.nb {
			return ErrTruncated
		}
		dist := int(e>>16) + int(d.bits&(1<<n-1))
		d.drop(n)
		if dist > d.out {
			return ErrCorrupt
		}
		if length > len(d.dst)-d.out {
			return ErrTooBig
		}
		copyMatch(d.dst, d.out, dist, length)
		d.out += length
	}
}

// copyMatch copies length bytes from dist back to dst[out:]; when they
// overlap, each pass copies twice the bytes of the last.
func copyMatch(dst []byte, out, dist, length int) {
	from, end := out-dist, out+length
	if dist >= length {
		copy(dst[out:end], dst[from:out])
		return
	}
	for out < end {
		out += copy(dst[out:end], dst[from:out])
	}
}
