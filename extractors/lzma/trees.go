package lzma

// The bit trees of literals and distances, for the symbols run's Go loop
// decodes: all of them without the assembly loop (decodeFast), the few
// near a chunk's end with it.

// literal decodes a literal byte (not after a match); p are its context's
// probabilities.
func (r rangeDec) literal(in []byte, p *[0x300]uint16) (rangeDec, byte) {
	r, sym := r.tree(in, p[:0x100])
	return r, byte(sym)
}

// tree decodes the bit tree p from its root p[1], most significant bit
// first, until the node index reaches len(p), a power of two, and returns
// the index.
func (r rangeDec) tree(in []byte, p []uint16) (rangeDec, uint32) {
	m := uint32(1)
	for int(m) < len(p) {
		var b uint32
		r, b = r.bitMask(&p[m])
		r = r.norm(in)
		m = m<<1 | b
	}
	return r, m
}

// matchedLiteral decodes a literal right after a match. While its bits
// agree with those of match, the byte at rep0, each bit has its own
// probabilities p[0x100+matchBit<<8+sym]; after the first difference the
// rest are plain literal bits. One branch-free
// loop does both (the form of the LZMA SDK's decoder): off is 0x100 while
// the bits agree and 0 after, and mb is the match bit in place (0 or off),
// so p[off+mb+sym] is the probability either way.
func (r rangeDec) matchedLiteral(in []byte, p *[0x300]uint16, match uint32) (rangeDec, byte) {
	sym, off := uint32(1), uint32(0x100)
	for sym < 0x100 {
		match <<= 1
		mb := match & off
		var b uint32
		r, b = r.bitMask(&p[off+mb+sym])
		r = r.norm(in)
		sym = sym<<1 | b
		// Keep off only if the bit equals the match bit: b-1 is all ones
		// for a 0, when mb must be 0.
		off &= mb ^ (b - 1)
	}
	return r, byte(sym)
}

// distance decodes a match distance minus one (spec "The distance
// decoder"): a 6-bit slot from the bit tree p.slot[min(length, 3)], then
// for slots from 4 on the low bits under (2|slot&1)<<n, n = slot>>1-1, from
// a reverse bit tree: all n of them at p.special[dist-slot:] below slot 14,
// else n-4 direct bits and the 4 align bits.
func (r rangeDec) distance(in []byte, p *probs, length uint32) (rangeDec, uint32) {
	r, s := r.tree(in, p.slot[min(length, 3)][:])
	s -= 64
	if s < 4 {
		return r, s
	}
	n := s>>1 - 1
	dist := (2 | s&1) << n
	var rev []uint16
	if s < 14 {
		rev = p.special[dist-s:]
	} else {
		var v uint32
		r, v = r.direct(in, n-4)
		dist += v << 4
		rev, n = p.align[:], 4
	}
	m := uint32(1)
	for i := uint32(0); i < n; i++ {
		var b uint32
		r, b = r.bitMask(&rev[m])
		r = r.norm(in)
		m = m<<1 | b
		dist |= b << i
	}
	return r, dist
}

// direct decodes n bits of probability one half.
func (r rangeDec) direct(in []byte, n uint32) (rangeDec, uint32) {
	var v uint32
	for ; n > 0; n-- {
		r.rng >>= 1
		t := 0 - ((r.code - r.rng) >> 31) // all ones when code < rng
		r.code -= r.rng &^ t
		v = v<<1 | (t + 1)
		r = r.norm(in)
	}
	return r, v
}
