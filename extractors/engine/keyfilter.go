package engine

import "math/bits"

// keyFilter tells, for 16 positions at once, which may hold a key (the two
// bytes that bucket a magic; signatures.keyed says which do): the "shufti"
// filter of SIMD string matching. The keys are spread over 16 buckets, one
// bit each in one of two tables; a byte's bucket bits are those its low
// nibble's entry and its high nibble's entry share, so one PSHUFB per
// nibble and table looks up 16 bytes. A position passes when its byte's
// first-byte bits and the next byte's second-byte bits share a bucket. That
// is a superset of the keys (a bucket passes every nibble combination of
// its keys): 403 of the 65,536 pairs, where 54 are keys, so the exact
// table decides after it.
type keyFilter struct {
	t [2][4][16]byte // buckets 0-7 and 8-15: first byte's low and high nibble, second byte's
}

// newKeyFilter spreads the keys over the buckets greedily: each goes where
// it adds the least to the pairs its bucket passes, weighted by how common
// their bytes are (byteCost), so common bytes such as 0x00 share buckets
// with few others.
func newKeyFilter(keys [][2]byte) keyFilter {
	var buckets [16]nibbles
	var costs [16]int
	var of [16][][2]byte
	for _, k := range keys {
		best, bestCost := 0, -1
		for b, n := range buckets {
			if c := n.with(k).cost() - costs[b]; bestCost < 0 || c < bestCost {
				best, bestCost = b, c
			}
		}
		buckets[best] = buckets[best].with(k)
		costs[best] = buckets[best].cost()
		of[best] = append(of[best], k)
	}
	var f keyFilter
	for b, ks := range of {
		t, bit := &f.t[b/8], byte(1)<<(b%8)
		for _, k := range ks {
			t[0][k[0]&15] |= bit
			t[1][k[0]>>4] |= bit
			t[2][k[1]&15] |= bit
			t[3][k[1]>>4] |= bit
		}
	}
	return f
}

// nibbles is a bucket as the sets of the low and high nibbles of its keys'
// first ([0]) and second ([1]) bytes.
type nibbles struct{ lo, hi [2]uint16 }

func (n nibbles) with(k [2]byte) nibbles {
	for i, c := range k {
		n.lo[i] |= 1 << (c & 15)
		n.hi[i] |= 1 << (c >> 4)
	}
	return n
}

// cost weighs the pairs a bucket passes: every first byte whose nibbles
// are both in its sets, times every such second byte, each by its byteCost.
func (n nibbles) cost() int {
	cost := 1
	for i := range n.lo {
		sum := 0
		for lo := n.lo[i]; lo != 0; lo &= lo - 1 {
			for hi := n.hi[i]; hi != 0; hi &= hi - 1 {
				sum += byteCost(byte(bits.TrailingZeros16(hi)<<4 | bits.TrailingZeros16(lo)))
			}
		}
		cost *= sum
	}
	return cost
}
