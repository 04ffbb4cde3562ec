package engine

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPaddingRuns compares paddingRuns with a byte-at-a-time reading of its
// rule on blobs of runs just under, at and over minPadding, of both bytes
// back to back, across its 64 KiB reads and at both ends of the region.
func TestPaddingRuns(t *testing.T) {
	ref := func(b []byte, from int64) [][2]int64 {
		var runs [][2]int64
		for i := 0; i < len(b); {
			j := i + 1
			for j < len(b) && b[j] == b[i] {
				j++
			}
			if (b[i] == 0x00 || b[i] == 0xFF) && j-i >= minPadding {
				runs = append(runs, [2]int64{from + int64(i), from + int64(j)})
			}
			i = j
		}
		return runs
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
		if got, want := paddingRuns(r, from, int64(len(blob))), ref(blob[from:], from); !slices.Equal(got, want) {
			t.Fatalf("blob %d (%d bytes from %d): runs %v, want %v", n, len(blob), from, got, want)
		}
	}
}
