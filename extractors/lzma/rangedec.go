package lzma

// rangeDec is the range decoder (spec "The range decoder") reading from
// decoder.in. It normalizes after each bit, as the encoder does, so a stream
// is consumed exactly to its last byte. Reading past the input yields zeros
// and moves ip past len(in); callers check that once per symbol instead of
// per byte.
//
// Speed: the decode loop holds a rangeDec in a local and the methods below
// take and return it by value. A struct this small (no slice in it) stays in
// registers, where fields reached through a pointer would be loaded and
// stored around every bit.
type rangeDec struct {
	rng, code uint32
	ip        int
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
	r.ip, r.rng = 5, 0xFFFFFFFF
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

// bit decodes one bit with probability *p and adapts it, with a branch: for
// the symbol-kind decisions and other bits that mostly go one way. The
// caller then calls norm: together they are too big for Go to inline, apart
// they are not.
func (r rangeDec) bit(p *uint16) (rangeDec, uint32) {
	v := uint32(*p)
	bound := (r.rng >> probBits) * v
	if r.code < bound {
		r.rng = bound
		*p = uint16(v + (1<<probBits-v)>>moveBits)
		return r, 0
	}
	r.rng -= bound
	r.code -= bound
	*p = uint16(v - v>>moveBits)
	return r, 1
}

// bitNext decodes a bit of a bit tree without branches: lt is all ones
// when code < bound (a 0 bit) and selects each result. Bits of literals and
// bit trees are close to random, and a mispredicted branch costs more than
// computing both sides. v is the bit's probability (read from *p) and c0
// and c1 those of the node's two children, loaded before the bit is known;
// it returns the child's by the bit. The next bit then waits for a select,
// not for a load whose address waits for this bit: OpenWrt's xz blocks
// and kernel and an x86 binary decoded 2.5-4% faster (best and median of
// 15 alternating runs on one core).
func (r rangeDec) bitNext(p *uint16, v, c0, c1 uint32) (rangeDec, uint32, uint32) {
	bound := (r.rng >> probBits) * v
	lt := uint32(int64(uint64(r.code)-uint64(bound)) >> 63)
	r.rng = bound&lt | (r.rng-bound)&^lt
	r.code -= bound &^ lt
	// v + (2048-v)>>5 for a 0 and v - v>>5 for a 1, as one arithmetic shift:
	// (2048-v)>>5 is -((v-2017)>>5) rounded toward minus infinity.
	*p = uint16(v - uint32(int32(v-lt&(1<<probBits-(1<<moveBits-1)))>>moveBits))
	return r, lt + 1, c1 ^ (c0^c1)&lt
}

// norm shifts in the next input byte (zero past the end) once the range
// has shrunk below 2^24; after one bit a single byte always suffices.
func (r rangeDec) norm(in []byte) rangeDec {
	if r.rng < topValue {
		var c byte
		if uint(r.ip) < uint(len(in)) { // unsigned: no bounds check
			c = in[r.ip]
		}
		r.ip++
		r.rng <<= 8
		r.code = r.code<<8 | uint32(c)
	}
	return r
}

// literal decodes a literal byte (not after a match); p are its context's
// probabilities. It is tree over an array: the hottest loop then has no
// bounds checks.
func (r rangeDec) literal(in []byte, p *[0x300]uint16) (rangeDec, byte) {
	sym, v := uint32(1), uint32(p[1])
	for sym < 0x100 {
		var b uint32
		r, b, v = r.bitNext(&p[sym], v, uint32(p[sym<<1&0x1FF]), uint32(p[sym<<1&0x1FF|1]))
		r = r.norm(in)
		sym = sym<<1 | b
	}
	return r, byte(sym)
}

// tree decodes a bit tree of n levels, most significant bit first; p holds
// its 1<<n probabilities (p[0] unused).
func (r rangeDec) tree(in []byte, p []uint16, n uint32) (rangeDec, uint32) {
	m, v, mask := uint32(1), uint32(p[1]), uint32(1)<<n-1
	for m <= mask {
		c := m << 1 & mask // the last level's children are not used
		var b uint32
		r, b, v = r.bitNext(&p[m], v, uint32(p[c]), uint32(p[c|1]))
		r = r.norm(in)
		m = m<<1 | b
	}
	return r, m - 1<<n
}

// matchedLiteral decodes a literal right after a match: while its bits
// agree with those of match, the byte at rep0, each bit has its own
// probabilities p[0x100+matchBit<<8+sym]; after the first difference the
// rest are plain literal bits. One branch-free loop does both (the form of
// the LZMA SDK's decoder): off is 0x100 while the bits agree and 0 after,
// and mb is the match bit in place (0 or off), so p[off+mb+sym] is the
// probability either way.
func (r rangeDec) matchedLiteral(in []byte, p *[0x300]uint16, match uint32) (rangeDec, byte) {
	sym, off := uint32(1), uint32(0x100)
	match <<= 1
	mb := match & off
	v := uint32(p[off+mb+sym])
	for sym < 0x100 {
		// The two children: off is kept only if the bit equals the match
		// bit. The last bit's are not used (min keeps them in p).
		next := match << 1
		off0, off1 := off&^mb, off&mb
		c0 := uint32(p[min(off0+next&off0+sym<<1, 0x2FF)])
		c1 := uint32(p[min(off1+next&off1+sym<<1|1, 0x2FF)])
		var b uint32
		r, b, v = r.bitNext(&p[off+mb+sym], v, c0, c1)
		r = r.norm(in)
		sym = sym<<1 | b
		off &= mb ^ (b - 1) // b-1 is all ones for a 0, when mb must be 0
		match = next
		mb = match & off
	}
	return r, byte(sym)
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
