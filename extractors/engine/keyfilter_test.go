package engine

import (
	"encoding/binary"
	"testing"
)

// TestKeyFilterPassesEveryKey: the filter is a superset of the keys, and
// not of much more (403 pairs with today's magics; a filter that passes
// everything would also be sound, and slow).
func TestKeyFilterPassesEveryKey(t *testing.T) {
	sig := Default().sig()
	f := &sig.filter
	passed := 0
	for k := range 1 << 16 {
		a, b := byte(k), byte(k>>8)
		p := false
		for _, t := range f.t {
			p = p || t[0][a&15]&t[1][a>>4]&t[2][b&15]&t[3][b>>4] != 0
		}
		if sig.keyed[k] != 0 && !p {
			t.Fatalf("key %02x %02x does not pass", a, b)
		}
		if p {
			passed++
		}
	}
	if passed > 1<<16/64 {
		t.Fatalf("the filter passes %d of the 65536 pairs", passed)
	}
}

// FuzzNext: next finds the first keyed position, as a plain loop does, from
// any start (with AVX2 on machines that have it).
func FuzzNext(f *testing.F) {
	f.Add([]byte("....hsqs....\x1f\x8b\x08........................................070701"), 3)
	f.Fuzz(func(t *testing.T, w []byte, i int) {
		if len(w) < 2 || i < 0 || i >= len(w) {
			return
		}
		sig := Default().sig()
		want := i
		for ; want+1 < len(w) && sig.keyed[binary.LittleEndian.Uint16(w[want:])] == 0; want++ {
		}
		if got := sig.next(w, i); got != want {
			t.Fatalf("next from %d in %d bytes: %d, want %d", i, len(w), got, want)
		}
	})
}
