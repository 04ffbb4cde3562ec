//go:build !amd64 || purego

package lzma

// decodeLiteral decodes a literal byte (not after a match) with its
// context's probabilities p and returns 0x100 plus the byte.
func decodeLiteral(rng, code uint32, ip int, in []byte, p *[0x300]uint16) (uint32, uint32, int, uint32) {
	r, sym := rangeDec{rng, code, ip}, uint32(1)
	for sym < 0x100 {
		var b uint32
		r, b = r.bitMask(&p[sym])
		r = r.norm(in)
		sym = sym<<1 | b
	}
	return r.rng, r.code, r.ip, sym
}

// decodeMatched decodes a literal right after a match and returns 0x100
// plus the byte. While its bits agree with those of match, the byte at
// rep0, each bit has its own probabilities p[0x100+matchBit<<8+sym]; after
// the first difference the rest are plain literal bits. One branch-free
// loop does both (the form of the LZMA SDK's decoder): off is 0x100 while
// the bits agree and 0 after, and mb is the match bit in place (0 or off),
// so p[off+mb+sym] is the probability either way.
func decodeMatched(rng, code uint32, ip int, in []byte, p *[0x300]uint16, match uint32) (uint32, uint32, int, uint32) {
	r, sym, off := rangeDec{rng, code, ip}, uint32(1), uint32(0x100)
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
	return r.rng, r.code, r.ip, sym
}
