package lzma

// rangeDec is the range decoder (spec "The range decoder"). It normalizes
// after each bit, as the encoder does, so a stream is consumed exactly to its
// last byte. Reading past the input yields zeros and moves ip past len(in);
// callers check that once per symbol instead of per byte.
type rangeDec struct {
	rng, code uint32
	ip        int
	in        []byte
}

const (
	probBits  = 11
	probInit  = 1 << probBits / 2
	moveBits  = 5
	topValue  = 1 << 24
	eosDist   = 0xFFFFFFFF
	minMatch  = 2
	numStates = 12
)

// init reads the five initial bytes; the first is always zero.
func (r *rangeDec) init(in []byte) error {
	r.in, r.ip, r.rng = in, 5, 0xFFFFFFFF
	if len(in) < 5 {
		return ErrTruncated
	}
	if in[0] != 0 {
		return ErrCorrupt
	}
	r.code = uint32(in[1])<<24 | uint32(in[2])<<16 | uint32(in[3])<<8 | uint32(in[4])
	if r.code == r.rng {
		return ErrCorrupt
	}
	return nil
}

// The hot loops below decode with the coder's fields in locals and the bit
// step written out: Go will not inline a function this size, and a call per
// bit costs more than the bit.

// bit decodes one bit with probability *p and adapts it.
func (r *rangeDec) bit(p *uint16) uint32 {
	rng, code := r.rng, r.code
	v := uint32(*p)
	bound := (rng >> probBits) * v
	var b uint32
	if code < bound {
		rng = bound
		*p = uint16(v + (1<<probBits-v)>>moveBits)
	} else {
		code -= bound
		rng -= bound
		*p = uint16(v - v>>moveBits)
		b = 1
	}
	if rng < topValue {
		var c byte
		if r.ip < len(r.in) {
			c = r.in[r.ip]
		}
		r.ip++
		rng <<= 8
		code = code<<8 | uint32(c)
	}
	r.rng, r.code = rng, code
	return b
}

// tree decodes a bits-wide symbol through a bit tree, high bit first; p
// holds at least 1<<bits probabilities.
func (r *rangeDec) tree(p []uint16, bits uint) uint32 {
	rng, code, ip, in := r.rng, r.code, r.ip, r.in
	p = p[:1<<bits]
	m := uint32(1)
	for m < 1<<bits {
		pr := &p[m]
		v := uint32(*pr)
		bound := (rng >> probBits) * v
		if code < bound {
			rng = bound
			*pr = uint16(v + (1<<probBits-v)>>moveBits)
			m <<= 1
		} else {
			code -= bound
			rng -= bound
			*pr = uint16(v - v>>moveBits)
			m = m<<1 | 1
		}
		if rng < topValue {
			var c byte
			if ip < len(in) {
				c = in[ip]
			}
			ip++
			rng <<= 8
			code = code<<8 | uint32(c)
		}
	}
	r.rng, r.code, r.ip = rng, code, ip
	return m - 1<<bits
}

// literal decodes a literal byte; p are its context's 0x300 probabilities.
// After a match (matched) the bits of match, the byte at rep0, select the
// probabilities p[0x100+bit<<8+sym] until a decoded bit differs from them;
// offs is 0x100 while they agree and 0 after.
func (r *rangeDec) literal(p *[0x300]uint16, matched bool, match uint32) byte {
	rng, code, ip, in := r.rng, r.code, r.ip, r.in
	sym := uint32(1)
	offs := uint32(0)
	if matched {
		offs = 0x100
	}
	for sym < 0x100 {
		match <<= 1
		mb := match & offs
		pr := &p[offs+mb+sym]
		v := uint32(*pr)
		bound := (rng >> probBits) * v
		if code < bound {
			rng = bound
			*pr = uint16(v + (1<<probBits-v)>>moveBits)
			sym <<= 1
			offs &^= mb
		} else {
			code -= bound
			rng -= bound
			*pr = uint16(v - v>>moveBits)
			sym = sym<<1 | 1
			offs &= mb
		}
		if rng < topValue {
			var c byte
			if ip < len(in) {
				c = in[ip]
			}
			ip++
			rng <<= 8
			code = code<<8 | uint32(c)
		}
	}
	r.rng, r.code, r.ip = rng, code, ip
	return byte(sym)
}

// direct decodes n bits of probability one half.
func (r *rangeDec) direct(n uint32) uint32 {
	var v uint32
	for ; n > 0; n-- {
		r.rng >>= 1
		t := 0 - ((r.code - r.rng) >> 31) // all ones when code < rng
		r.code -= r.rng &^ t
		v = v<<1 | (t + 1)
		if r.rng < topValue {
			var c byte
			if r.ip < len(r.in) {
				c = r.in[r.ip]
			}
			r.ip++
			r.rng <<= 8
			r.code = r.code<<8 | uint32(c)
		}
	}
	return v
}

// reverse decodes a bits-wide symbol through a bit tree, low bit first.
func (r *rangeDec) reverse(p []uint16, bits uint) uint32 {
	m, v := uint32(1), uint32(0)
	for i := uint(0); i < bits; i++ {
		b := r.bit(&p[m])
		m = m<<1 | b
		v |= b << i
	}
	return v
}
