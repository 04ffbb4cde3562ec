package engine

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRegions compares regions with a byte-at-a-time reading of its rule,
// with each stretch's statistics counted again on its own, on blobs of runs
// just under, at and over minPadding, of both bytes back to back, across its
// 64 KiB reads and at both ends of the region.
func TestRegions(t *testing.T) {
	stats := func(b []byte, from, to int64) region {
		var hist [256]int64
		for _, c := range b[from:to] {
			hist[c]++
		}
		n := to - from
		g := region{from: from, to: to, padding: hist[0] == n || hist[0xFF] == n}
		for _, c := range hist {
			if c > 0 {
				p := float64(c) / float64(n)
				g.entropy -= p * math.Log2(p)
			}
		}
		return g
	}
	ref := func(b []byte, from int64) []region {
		var out []region
		seg := from
		for i := from; i < int64(len(b)); {
			j := i + 1
			for j < int64(len(b)) && b[j] == b[i] {
				j++
			}
			if (b[i] == 0x00 || b[i] == 0xFF) && j-i >= minPadding {
				if i > seg {
					out = append(out, stats(b, seg, i))
				}
				out = append(out, stats(b, i, j))
				seg = j
			}
			i = j
		}
		if int64(len(b)) > seg {
			out = append(out, stats(b, seg, int64(len(b))))
		}
		return out
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 200 {
		var blob []byte
		for len(blob) < 150<<10 && (n%2 == 0 || len(blob) < 3000) {
			switch rng.IntN(4) {
			case 0, 1:
				blob = append(blob, bytes.Repeat([]byte{[]byte{0x00, 0xFF}[rng.IntN(2)]}, minPadding-2+rng.IntN(5))...)
			case 2:
				blob = append(blob, bytes.Repeat([]byte{0x00}, rng.IntN(3*minPadding))...)
			default:
				for range rng.IntN(300) {
					blob = append(blob, byte(rng.IntN(4))*0x55)
				}
			}
		}
		from := int64(rng.IntN(100))
		r := bytes.NewReader(blob)
		if got, want := regions(r, from, int64(len(blob))), ref(blob, from); !slices.Equal(got, want) {
			t.Fatalf("blob %d (%d bytes from %d): regions %v, want %v", n, len(blob), from, got, want)
		}
	}
}
