package engine

import (
	"io"
	"math"
)

// regionStats reads [off, off+n) once and returns its Shannon entropy in bits
// per byte and, when every byte is the same 0x00 or 0xFF, that it is padding.
func regionStats(r io.ReaderAt, off, n int64) (entropy float64, padding bool) {
	var hist [256]int64
	buf := make([]byte, 64<<10)
	for done := int64(0); done < n; {
		k := int64(len(buf))
		if n-done < k {
			k = n - done
		}
		m, err := r.ReadAt(buf[:k], off+done)
		for _, b := range buf[:m] {
			hist[b]++
		}
		done += int64(m)
		if err != nil || m == 0 {
			n = done
			break
		}
	}
	if n == 0 {
		return 0, false
	}
	for _, c := range hist {
		if c > 0 {
			p := float64(c) / float64(n)
			entropy -= p * math.Log2(p)
		}
	}
	padding = hist[0] == n || hist[0xFF] == n
	return entropy, padding
}
