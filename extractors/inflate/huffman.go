package inflate

import "math/bits"

// A table entry is one uint32: bits 0-5 the code length to drop (a link's
// is litBits or distBits), bits 8-11 the extra bits that follow the code (a
// link's: its sub-table's index bits), bits 12-15 the kind, bits 16-31 the
// value (literal byte, length or distance base, sub-table offset, or
// code-length symbol). Codes longer than the primary table's bits go to a
// sub-table indexed by the bits after them.
const (
	fBad  = 1 << 12 // no code maps here, or symbol 286/287 or distance 30/31
	fEOB  = 1 << 13 // end of block
	fSub  = 1 << 14 // link to a sub-table
	fLit  = 1 << 15 // literal byte
	fKind = fBad | fEOB | fSub | fLit

	litBits  = 11 // primary index bits of the literal/length table (11 measured faster than 10)
	distBits = 8  // and of the distance table
	clBits   = 7  // code-length codes are at most 7 bits: no sub-tables

	// Sub-table room: a complete code whose sub-table has s index bits has
	// at least s+1 codes in it, so each code longer than the primary bits
	// costs at most 2^s/(s+1) entries: 16/5 for 286 literal/length codes
	// of up to 15 bits (s <= 4), 128/8 for 30 distance codes (s <= 7).
	litSize  = 1<<litBits + 286*16/5
	distSize = 1<<distBits + 30*128/8

	maxLit  = 286 // literal/length codes a dynamic header may declare
	maxDist = 30  // distance codes a dynamic header may declare
)

var (
	// litSyms, distSyms and clSyms are the entries (without code length)
	// of every symbol of each alphabet.
	litSyms  [288]uint32
	distSyms [32]uint32
	clSyms   [19]uint32

	// fixedLit and fixedDist are the tables of the fixed codes (RFC 1951
	// 3.2.6).
	fixedLit  [litSize]uint32
	fixedDist [distSize]uint32
)

func init() {
	lenBase := [29]uint32{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lenExtra := [29]uint32{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	for s := range litSyms {
		switch {
		case s < 256:
			litSyms[s] = fLit | uint32(s)<<16
		case s == 256:
			litSyms[s] = fEOB
		case s < maxLit:
			litSyms[s] = lenBase[s-257]<<16 | lenExtra[s-257]<<8
		default:
			litSyms[s] = fBad
		}
	}
	base := uint32(1)
	for s := range distSyms {
		if s >= maxDist {
			distSyms[s] = fBad
			continue
		}
		extra := uint32(0)
		if s >= 2 {
			extra = uint32(s/2 - 1)
		}
		distSyms[s] = base<<16 | extra<<8
		base += 1 << extra
	}
	for s := range clSyms {
		clSyms[s] = uint32(s) << 16
	}

	var lens [288]uint8
	for s := range lens {
		switch {
		case s < 144:
			lens[s] = 8
		case s < 256:
			lens[s] = 9
		case s < 280:
			lens[s] = 7
		default:
			lens[s] = 8
		}
	}
	build(fixedLit[:], lens[:], litSyms[:], litBits, true)
	for s := range lens[:32] {
		lens[s] = 5
	}
	build(fixedDist[:], lens[:32], distSyms[:], distBits, true)
}

// build fills t with the decoding table of the canonical code whose lengths
// are lens, the primary table indexed by tb bits. It refuses, as zlib does,
// an over-subscribed set and an incomplete one, but for the empty set (any
// use of it fails) and, when single, a set of one 1-bit code.
func build(t []uint32, lens []uint8, syms []uint32, tb uint, single bool) bool {
	var count [16]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	left, maxLen := 1, 0
	for l := 1; l < 16; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false // over-subscribed
		}
		if count[l] > 0 {
			maxLen = l
		}
	}
	primary := 1 << tb
	if left > 0 {
		if maxLen != 0 && !(single && maxLen == 1 && count[1] == 1) {
			return false // incomplete
		}
		for i := range t[:primary] {
			t[i] = fBad
		}
	}

	// Symbols in canonical order: by length, then by value.
	var offs [16]int
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + count[l]
	}
	var sorted [288]uint16
	for s, l := range lens {
		if l != 0 {
			sorted[offs[l]] = uint16(s)
			offs[l]++
		}
	}

	code, idx := 0, 0 // canonical code (first bit most significant) and its rank
	next := primary   // first free sub-table entry
	group, sub, subBits := -1, 0, 0
	for l := 1; l <= maxLen; l++ {
		for range count[l] {
			e := syms[sorted[idx]] | uint32(l)
			idx++
			if l <= int(tb) {
				for j := reverse(code, l); j < primary; j += 1 << l {
					t[j] = e
				}
				code++
				continue
			}
			// The first code of a new primary prefix sizes its sub-table:
			// the fewest index bits that the remaining codes fill.
			if p := code >> (l - int(tb)); p != group {
				group, subBits = p, l-int(tb)
				room := 1<<subBits - (count[l] - (idx - 1 - (offs[l] - count[l])))
				for n := l; room > 0 && n < 15; {
					n++
					subBits++
					room = room<<1 - count[n]
				}
				sub = next
				next += 1 << subBits
				if next > len(t) {
					return false
				}
				t[reverse(p, int(tb))] = fSub | uint32(subBits)<<8 | uint32(sub)<<16 | uint32(tb)
			}
			k := l - int(tb)
			for j := reverse(code&(1<<k-1), k); j < 1<<subBits; j += 1 << k {
				t[sub+j] = e
			}
			code++
		}
		code <<= 1
	}
	return true
}

// reverse returns the n low bits of c in reverse order.
func reverse(c, n int) int {
	return int(bits.Reverse16(uint16(c)) >> (16 - n))
}
