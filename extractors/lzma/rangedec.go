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

// bitMask decodes a bit without branches: lt is all ones when code < bound
// (a 0 bit) and selects each result. Bits of literals and bit trees are
// close to random, and a mispredicted branch costs more than computing both
// sides.
func (r rangeDec) bitMask(p *uint16) (rangeDec, uint32) {
	v := uint32(*p)
	bound := (r.rng >> probBits) * v
	lt := uint32(int64(uint64(r.code)-uint64(bound)) >> 63)
	r.rng = bound&lt | (r.rng-bound)&^lt
	r.code -= bound &^ lt
	// v + (2048-v)>>5 for a 0 and v - v>>5 for a 1, as one arithmetic shift:
	// (2048-v)>>5 is -((v-2017)>>5) rounded toward minus infinity.
	*p = uint16(v - uint32(int32(v-lt&(1<<probBits-(1<<moveBits-1)))>>moveBits))
	return r, lt + 1
}
