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

// decoder is the LZMA state plus its output window. win[:pos] holds the
// history; base is where the dictionary was last reset (it goes negative as
// the window slides), so pos-base is the number of bytes since then.
type decoder struct {
	rc    rangeDec
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
func (d *decoder) run(stop, end, safe int) error {
	rc := &d.rc
	p := &d.p
	win := d.win[:end]
	pos := d.pos
	state := d.state
	rep0 := d.rep[0]
	lc := d.props.LC
	lpMask := uint32(1)<<d.props.LP - 1
	pbMask := uint32(1)<<d.props.PB - 1
	dict := d.dictSize
	var err error

	if d.pending > 0 {
		n := min(d.pending, end-pos)
		copyMatch(win, pos, int(rep0)+1, n)
		pos += n
		d.pending -= n
	}
	for pos < stop && d.pending == 0 {
		if rc.ip > safe {
			if rc.ip > len(rc.in) {
				err = ErrTruncated
			}
			break
		}
		n := uint32(pos - d.base)
		posState := n & pbMask
		if rc.bit(&p.isMatch[state<<4|posState]) == 0 {
			// Literal.
			prev := uint32(0)
			if pos > d.base {
				prev = uint32(win[pos-1])
			}
			off := ((n&lpMask)<<lc + prev>>(8-lc)) * 0x300
			var match uint32
			if state >= 7 {
				match = uint32(win[pos-int(rep0)-1])
			}
			b := rc.literal((*[0x300]uint16)(d.lit[off:off+0x300]), state >= 7, match)
			if pos >= end {
				err = ErrTooBig
				break
			}
			win[pos] = b
			pos++
			switch {
			case state < 4:
				state = 0
			case state < 10:
				state -= 3
			default:
				state -= 6
			}
			continue
		}
		var length uint32
		if rc.bit(&p.isRep[state]) == 0 {
			// Match with a new distance.
			length = rc.length(&p.lens, posState)
			d.rep[3], d.rep[2], d.rep[1] = d.rep[2], d.rep[1], rep0
			if state < 7 {
				state = 7
			} else {
				state = 10
			}
			rep0 = rc.distance(p, length)
			if rep0 == eosDist {
				d.eos = true
				break
			}
		} else {
			if rc.bit(&p.isRepG0[state]) == 0 {
				if rc.bit(&p.isRep0Long[state<<4|posState]) == 0 {
					// Short rep: one byte at rep0.
					if state < 7 {
						state = 9
					} else {
						state = 11
					}
					if int(rep0) >= min(pos-d.base, dict) {
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
				if rc.bit(&p.isRepG1[state]) == 0 {
					dist = d.rep[1]
				} else {
					if rc.bit(&p.isRepG2[state]) == 0 {
						dist = d.rep[2]
					} else {
						dist = d.rep[3]
						d.rep[3] = d.rep[2]
					}
					d.rep[2] = d.rep[1]
				}
				d.rep[1] = rep0
				rep0 = dist
			}
			length = rc.length(&p.reps, posState)
			if state < 7 {
				state = 8
			} else {
				state = 11
			}
		}
		if int(rep0) >= min(pos-d.base, dict) {
			err = ErrCorrupt
			break
		}
		l := int(length) + minMatch
		if l > end-pos {
			if stop > end {
				err = ErrTooBig
				break
			}
			d.pending = l - (end - pos)
			l = end - pos
		}
		copyMatch(win, pos, int(rep0)+1, l)
		pos += l
	}
	if err == nil && rc.ip > len(rc.in) {
		err = ErrTruncated
	}
	d.pos, d.state, d.rep[0] = pos, state, rep0
	return err
}

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

// length decodes a match length minus two.
func (r *rangeDec) length(l *lenProbs, posState uint32) uint32 {
	if r.bit(&l.choice) == 0 {
		return r.tree(l.low[posState&15][:], 3)
	}
	if r.bit(&l.choice2) == 0 {
		return 8 + r.tree(l.mid[posState&15][:], 3)
	}
	return 16 + r.tree(l.high[:], 8)
}

// distance decodes a match distance minus one (spec "The distance decoder").
func (r *rangeDec) distance(p *probs, length uint32) uint32 {
	slot := r.tree(p.slot[min(length, 3)][:], 6)
	if slot < 4 {
		return slot
	}
	bits := slot>>1 - 1
	dist := (2 | slot&1) << bits
	if slot < 14 {
		return dist + r.reverse(p.special[dist-slot:], uint(bits))
	}
	dist += r.direct(bits-4) << 4
	return dist + r.reverse(p.align[:], 4)
}
