package fat

import (
	"encoding/binary"

	"github.com/fwstar/fwstar/extractors"
)

// table is the first FAT, read whole (at most 4 bytes per cluster).
type table struct {
	b    []byte
	bits int
	max  uint32 // highest valid cluster number
}

func (v *volume) readTable() error {
	n := v.bpb.fatSectors * v.bpb.bps
	b, err := extractors.ReadAt(v.r, v.base+v.bpb.fatOff, int(n), v.limit)
	if err != nil {
		return extractors.Wrap("fat", v.base+v.bpb.fatOff, err, "FAT of %d bytes", n)
	}
	v.fat = &table{b: b, bits: v.bpb.bits, max: v.bpb.clusters + 1}
	return nil
}

// next returns the entry of cluster c: the next cluster of its chain, or a
// value above max (end of chain, bad cluster) or 0 (free).
func (t *table) next(c uint32) uint32 {
	switch t.bits {
	case 12:
		i := int(c) + int(c)/2
		if i+1 >= len(t.b) {
			return 0
		}
		v := uint32(binary.LittleEndian.Uint16(t.b[i:]))
		if c&1 != 0 {
			return v >> 4
		}
		return v & 0xFFF
	case 16:
		if 2*int(c)+1 >= len(t.b) {
			return 0
		}
		return uint32(binary.LittleEndian.Uint16(t.b[2*c:]))
	}
	if 4*int(c)+3 >= len(t.b) {
		return 0
	}
	return binary.LittleEndian.Uint32(t.b[4*c:]) & 0x0FFFFFFF
}

// chain walks a cluster chain. A loop must jump back at least once, so
// only backward links are remembered: one met twice is a loop, an error, and
// the set stays as small as the file's fragments.
type chain struct {
	v     *volume
	first uint32
	c     uint32 // the next cluster to return; 0 after the end
	back  map[uint32]bool
	err   error // why the chain ended early, returned again by every later next
}

func (v *volume) chain(first uint32) *chain { return &chain{v: v, first: first, c: first} }

// next returns the next cluster of the chain, or 0 at its end.
func (ch *chain) next() (uint32, error) {
	c := ch.c
	if c == 0 {
		return 0, ch.err
	}
	t := ch.v.fat
	if c < 2 || c > t.max {
		ch.c = 0
		ch.err = extractors.Errorf("fat", ch.v.base+ch.v.bpb.fatOff, "chain from cluster %d: bad link %d", ch.first, c)
		return 0, ch.err
	}
	n := t.next(c)
	switch {
	case n >= eoc(t.bits):
		n = 0
	case n <= c:
		if ch.back == nil {
			ch.back = map[uint32]bool{}
		}
		if ch.back[c] {
			ch.c = 0
			ch.err = extractors.Errorf("fat", ch.v.base+ch.v.bpb.fatOff, "chain from cluster %d loops at %d", ch.first, c)
			return 0, ch.err
		}
		ch.back[c] = true
	}
	ch.c = n
	return c, nil
}

// eoc is the smallest end-of-chain mark; the values between the highest
// cluster and it are reserved or the bad-cluster mark.
func eoc(bits int) uint32 {
	switch bits {
	case 12:
		return 0xFF8
	case 16:
		return 0xFFF8
	}
	return 0x0FFFFFF8
}
