package engine

import (
	"bytes"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/samples"
)

// TestMagicWatchAgreesWithCursor: a file is read back for its scan only when
// the watch saw a magic, so the watch must say so exactly when the cursor
// finds a candidate, whatever the sizes of the writes that carried the bytes.
func TestMagicWatchAgreesWithCursor(t *testing.T) {
	sig := Default().sig()
	var magics [][]byte
	for _, h := range Handlers() {
		for _, m := range h.Magics() {
			magics = append(magics, m.Bytes)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	hits := 0
	for n := range 20000 {
		blob := make([]byte, rng.IntN(600))
		for i := range blob {
			blob[i] = byte(rng.IntN(4)) // few distinct bytes: near misses are common
		}
		if len(blob) > 0 && n%2 == 0 {
			// Plant one magic, sometimes cut by the end or before its offset.
			k := rng.IntN(len(magics))
			at := rng.IntN(len(blob))
			copy(blob[at:], magics[k])
		}
		all := allCandidates(sig.cursor(bytes.NewReader(blob), int64(len(blob))))
		want := len(all) > 0
		w := &magicWatch{s: sig, tail: make([]byte, 0, 2*sig.maxLen)}
		for rest := blob; len(rest) > 0; {
			k := min(len(rest), 1+rng.IntN(40))
			w.Write(rest[:k])
			rest = rest[k:]
		}
		if w.hit != want {
			t.Fatalf("blob %d (%d bytes, % x): watch says %v, cursor %v", n, len(blob), blob, w.hit, want)
		}
		if got := allCandidates(sig.listed(bytes.NewReader(blob), int64(len(blob)), w.list())); !slices.Equal(got, all) {
			t.Fatalf("blob %d (%d bytes, % x): watch lists %v, cursor %v", n, len(blob), blob, got, all)
		}
		if want {
			hits++
		}
	}
	if hits < 5000 {
		t.Errorf("only %d of 20000 blobs had a candidate: the test plants too few", hits)
	}
}

// FuzzMagicWatch checks the watch against the cursor on any bytes, written in
// pieces of any size.
func FuzzMagicWatch(f *testing.F) {
	f.Add([]byte("\x00\x00hsqs\x00"), uint8(3))
	f.Add(append(make([]byte, 257), "ustar\x0000"...), uint8(255))
	f.Add([]byte("xx\x1f\x8b\x08"), uint8(1))
	sig := Default().sig()
	f.Fuzz(func(t *testing.T, blob []byte, piece uint8) {
		all := allCandidates(sig.cursor(bytes.NewReader(blob), int64(len(blob))))
		want := len(all) > 0
		w := &magicWatch{s: sig, tail: make([]byte, 0, 2*sig.maxLen)}
		for rest, k := blob, 1+int(piece)%23; len(rest) > 0; k = k%23 + 1 {
			k = min(k, len(rest))
			w.Write(rest[:k])
			rest = rest[k:]
		}
		if w.hit != want {
			t.Fatalf("watch says %v, cursor %v", w.hit, want)
		}
		if w.over {
			return // too many to keep: the file is read back and scanned
		}
		if got := allCandidates(sig.listed(bytes.NewReader(blob), int64(len(blob)), w.list())); !slices.Equal(got, all) {
			t.Fatalf("watch lists %v, cursor %v", got, all)
		}
	})
}

// allCandidates drains a cursor: what the engine's scan of a blob would try.
func allCandidates(c *cursor) []candidate {
	var out []candidate
	for {
		cand, ok := c.next()
		if !ok {
			return out
		}
		out = append(out, cand)
	}
}

// naiveCandidates tries every magic at every position: what the keyed scan
// and its windows must find, in the cursor's order.
func naiveCandidates(blob []byte) []candidate {
	var out []candidate
	for i, h := range Handlers() {
		for _, m := range h.Magics() {
			for at := 0; at+len(m.Bytes) <= len(blob); at++ {
				if start := int64(at) - m.Offset; start >= 0 && bytes.HasPrefix(blob[at:], m.Bytes) {
					out = append(out, candidate{start: start, h: i})
				}
			}
		}
	}
	sortCandidates(out)
	return slices.Compact(out)
}

// TestScanAgreesWithNaive: magics keyed by bytes inside them are found where
// they start, also across the cursor's window boundaries and at both ends.
func TestScanAgreesWithNaive(t *testing.T) {
	sig := Default().sig()
	var magics []extractors.Magic
	for _, h := range Handlers() {
		magics = append(magics, h.Magics()...)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 30 {
		size := 1 + rng.IntN(600)
		if n%10 == 0 {
			size = 2*scanWindow + rng.IntN(600) // three windows
		}
		blob := make([]byte, size)
		for i := range blob {
			blob[i] = byte(rng.IntN(3))
		}
		for range 30 {
			m := magics[rng.IntN(len(magics))]
			at := rng.IntN(len(blob))
			if n%10 == 0 && rng.IntN(2) == 0 {
				// At a window boundary, give or take the magic's length.
				at = max(0, min(len(blob)-1, scanWindow*(1+rng.IntN(2))-sig.maxLen+rng.IntN(2*sig.maxLen)))
			}
			copy(blob[at:], m.Bytes)
		}
		want := naiveCandidates(blob)
		if got := allCandidates(sig.cursor(bytes.NewReader(blob), int64(len(blob)))); !slices.Equal(got, want) {
			t.Fatalf("blob %d (%d bytes): scan finds %d candidates, naive %d\n%v\n%v", n, len(blob), len(got), len(want), got, want)
		}
	}
}

// BenchmarkScan is the signature pass alone over real images held in memory:
// mostly compressed bytes (OpenWrt) and plain files (a tar of ARM binaries,
// where small integers make the first bytes of some magics common).
func BenchmarkScan(b *testing.B) {
	for _, name := range []string{"openwrt-15.05.1-tl-wr703n-factory.bin", "licheepi-nano-rootfs.tar"} {
		b.Run(name, func(b *testing.B) {
			img, err := os.ReadFile(samples.Corpus(b, name))
			if err != nil {
				b.Fatal(err)
			}
			sig := Default().sig()
			b.SetBytes(int64(len(img)))
			for b.Loop() {
				n := 0
				sig.scan(img, len(img), 0, func(candidate) bool { n++; return true })
			}
		})
	}
}

// TestMagicWatchOver: past maxWatched candidates the watch keeps no list (the
// file is read back and scanned) but still says it saw a magic.
func TestMagicWatchOver(t *testing.T) {
	sig := Default().sig()
	w := &magicWatch{s: sig, tail: make([]byte, 0, 2*sig.maxLen)}
	w.Write(bytes.Repeat([]byte{0x1f, 0x8b, 0x08, 0}, maxWatched+1))
	if !w.hit || !w.over || w.list() != nil {
		t.Fatalf("hit %v, over %v, list of %d", w.hit, w.over, len(w.list()))
	}
}
