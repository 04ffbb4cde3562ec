package lzma

// lenProbs are a length decoder's probabilities (spec "The match length decoder").
type lenProbs struct {
	choice, choice2 uint16
	low, mid        [16][8]uint16
	high            [256]uint16
}

// probs are every adaptive probability but the literal coder's, whose size
// depends on lc+lp.
type probs struct {
	isMatch    [numStates << 4]uint16
	isRep      [numStates]uint16
	isRepG0    [numStates]uint16
	isRepG1    [numStates]uint16
	isRepG2    [numStates]uint16
	isRep0Long [numStates << 4]uint16
	slot       [4][64]uint16
	special    [1 + 114]uint16
	align      [16]uint16
	lens, reps lenProbs
}

// initProbs is probs with every probability at one half.
var initProbs = func() (p probs) {
	fill := func(s []uint16) {
		for i := range s {
			s[i] = probInit
		}
	}
	fill(p.isMatch[:])
	fill(p.isRep[:])
	fill(p.isRepG0[:])
	fill(p.isRepG1[:])
	fill(p.isRepG2[:])
	fill(p.isRep0Long[:])
	for i := range p.slot {
		fill(p.slot[i][:])
	}
	fill(p.special[:])
	fill(p.align[:])
	for _, l := range []*lenProbs{&p.lens, &p.reps} {
		l.choice, l.choice2 = probInit, probInit
		for i := range l.low {
			fill(l.low[i][:])
			fill(l.mid[i][:])
		}
		fill(l.high[:])
	}
	return p
}()

// afterLiteral is the state after a literal: a lookup instead of a
// three-way branch on the state.
var afterLiteral = [numStates]uint8{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 4, 5}

// decoder is the LZMA state plus its output window. win[:pos] holds the
// history; base is where the dictionary was last reset (it goes negative as
// the window slides), so pos-base is the number of bytes since then.
type decoder struct {
	rc    rangeDec
	in    []byte // the range coder's input
	p     probs
	lit   []uint16
	props Props
	state uint32
	rep   [4]uint32

	win      []byte
	pos      int
	base     int
	dictSize int
	pending  int  // match bytes still to copy after the window filled
	eos      bool // the end marker was decoded
}

// start begins a range-coded stream at in[0].
func (d *decoder) start(in []byte) error {
	d.in = in
	return d.rc.init(in)
}

// setProps sizes the literal coder and resets the state.
func (d *decoder) setProps(p Props) {
	d.props = p
	n := 0x300 << (p.LC + p.LP)
	if cap(d.lit) < n {
		d.lit = make([]uint16, n)
	}
	d.lit = d.lit[:n]
	d.resetState()
}

// resetState sets every probability to one half and clears the state.
func (d *decoder) resetState() {
	for i := range d.lit {
		d.lit[i] = probInit
	}
	d.p = initProbs
	d.state, d.rep, d.pending, d.eos = 0, [4]uint32{}, 0, false
}

// run decodes symbols into win until pos reaches stop, the end marker, or an
// error. A symbol that would write past end is ErrTooBig when stop > end
// (the caller only wants to see the end marker there); otherwise the rest of
// a match is kept in pending for the next call. The caller ensures that the
// input holds a whole symbol unless it is complete (safe is the last ip at
// which a symbol may start, len(in) when no more input comes).
//
// On amd64 the assembly loop (decodeFast) decodes first, up to a margin
// before stop and end; the Go loop below decodes the rest, and every symbol
// on other architectures. Its coder, state and reps live in locals (see
// rangeDec) and go back to d only on the way out.
func (d *decoder) run(stop, end, safe int) error {
	win := d.win[:end] // before decodeFast writes win[:end]
	if d.pending > 0 {
		n := min(d.pending, end-d.pos)
		copyMatch(win, d.pos, int(d.rep[0])+1, n)
		d.pos += n
		d.pending -= n
	}
	if d.pending == 0 {
		switch decodeFast(d, min(stop, end)-fastMargin, safe) {
		case fastEOS:
			d.eos = true
			if d.rc.ip > len(d.in) {
				return ErrTruncated
			}
			return nil
		case fastCorrupt:
			return ErrCorrupt
		}
	}
	rc, in := d.rc, d.in
	p := &d.p
	lit := d.lit
	pos, base, dict, pending := d.pos, d.base, d.dictSize, d.pending
	state, rep0, rep1, rep2, rep3 := d.state, d.rep[0], d.rep[1], d.rep[2], d.rep[3]
	lc := d.props.LC
	lpMask := uint32(1)<<d.props.LP - 1
	pbMask := uint32(1)<<d.props.PB - 1
	var err error
	for pos < stop && pending == 0 {
		if rc.ip > safe {
			if rc.ip > len(in) {
				err = ErrTruncated
			}
			break
		}
		n := uint32(pos - base)
		posState := n & pbMask
		var b uint32
		rc, b = rc.bit(&p.isMatch[state<<4|posState])
		rc = rc.norm(in)
		if b == 0 {
			// Literal.
			prev := uint32(0)
			if pos > base {
				prev = uint32(win[pos-1])
			}
			off := ((n&lpMask)<<lc + prev>>(8-lc)) * 0x300
			probs := (*[0x300]uint16)(lit[off : off+0x300])
			var c byte
			if state < 7 {
				rc, c = rc.literal(in, probs)
			} else {
				rc, c = rc.matchedLiteral(in, probs, uint32(win[pos-int(rep0)-1]))
			}
			if pos >= end {
				err = ErrTooBig
				break
			}
			win[pos] = c
			pos++
			state = uint32(afterLiteral[state])
			continue
		}
		var length uint32
		rc, b = rc.bit(&p.isRep[state])
		rc = rc.norm(in)
		if b == 0 {
			// Match with a new distance.
			rc, length = rc.length(in, &p.lens, posState)
			rep3, rep2, rep1 = rep2, rep1, rep0
			if state < 7 {
				state = 7
			} else {
				state = 10
			}
			rc, rep0 = rc.distance(in, p, length)
			if rep0 == eosDist {
				d.eos = true
				break
			}
		} else {
			rc, b = rc.bit(&p.isRepG0[state])
			rc = rc.norm(in)
			if b == 0 {
				rc, b = rc.bit(&p.isRep0Long[state<<4|posState])
				rc = rc.norm(in)
				if b == 0 {
					// Short rep: one byte at rep0.
					if state < 7 {
						state = 9
					} else {
						state = 11
					}
					if int(rep0) >= min(pos-base, dict) {
						err = ErrCorrupt
						break
					}
					if pos >= end {
						err = ErrTooBig
						break
					}
					win[pos] = win[pos-int(rep0)-1]
					pos++
					continue
				}
			} else {
				var dist uint32
				rc, b = rc.bit(&p.isRepG1[state])
				rc = rc.norm(in)
				if b == 0 {
					dist = rep1
				} else {
					rc, b = rc.bit(&p.isRepG2[state])
					rc = rc.norm(in)
					if b == 0 {
						dist = rep2
					} else {
						dist = rep3
						rep3 = rep2
					}
					rep2 = rep1
				}
				rep1 = rep0
				rep0 = dist
			}
			rc, length = rc.length(in, &p.reps, posState)
			if state < 7 {
				state = 8
			} else {
				state = 11
			}
		}
		if int(rep0) >= min(pos-base, dict) {
			err = ErrCorrupt
			break
		}
		l := int(length) + minMatch
		if l > end-pos {
			if stop > end {
				err = ErrTooBig
				break
			}
			pending = l - (end - pos)
			l = end - pos
		}
		copyMatch(win, pos, int(rep0)+1, l)
		pos += l
	}
	if err == nil && rc.ip > len(in) {
		err = ErrTruncated
	}
	d.rc, d.pos, d.pending = rc, pos, pending
	d.state, d.rep = state, [4]uint32{rep0, rep1, rep2, rep3}
	return err
}

// What decodeFast returns: it stopped at lim or safe (run's loop goes on from
// there), at the end marker, or at a distance beyond the history.
const (
	fastMore = iota
	fastEOS
	fastCorrupt
)

// fastMargin is the room decodeFast keeps before run's stop and end: the
// longest match (273) and the 8-byte copy's overshoot.
const fastMargin = 273 + 8

// copyMatch copies n bytes from dist back to win[pos:], overlapping as LZ77
// does when dist < n.
func copyMatch(win []byte, pos, dist, n int) {
	src := pos - dist
	if dist >= n {
		copy(win[pos:pos+n], win[src:src+n])
		return
	}
	w := win[src : pos+n]
	for i := dist; i < len(w); i++ {
		w[i] = w[i-dist]
	}
}

// length decodes a match length minus two. It writes its bit-tree loop out
// in place: a call to tree (Go does not inline a loop of this size) costs
// more than the tree's few bits.
func (r rangeDec) length(in []byte, l *lenProbs, posState uint32) (rangeDec, uint32) {
	p, bits, base := l.low[posState&15][:], uint32(3), uint32(0)
	r, b := r.bit(&l.choice)
	r = r.norm(in)
	if b != 0 {
		r, b = r.bit(&l.choice2)
		r = r.norm(in)
		if b == 0 {
			p, base = l.mid[posState&15][:], 8
		} else {
			p, bits, base = l.high[:], 8, 16
		}
	}
	p = p[:1<<bits]
	m := uint32(1)
	for m < 1<<bits {
		r, b = r.bitMask(&p[m])
		r = r.norm(in)
		m = m<<1 | b
	}
	return r, base + m - 1<<bits
}
