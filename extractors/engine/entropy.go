package engine

import (
	"encoding/binary"
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

// minPadding is the shortest run of 0x00 or 0xFF reported as padding of its
// own inside an unclaimed region; shorter runs are part of the data.
const minPadding = 512

// paddingRuns returns the [start, end) runs of one repeated 0x00 or 0xFF byte
// of at least minPadding bytes inside [from, to), reading the region once.
func paddingRuns(r io.ReaderAt, from, to int64) [][2]int64 {
	var runs [][2]int64
	buf := make([]byte, min(64<<10, max(to-from, 0)))
	runStart, runByte := int64(-1), byte(0)
	flush := func(end int64) {
		if runStart >= 0 && end-runStart >= minPadding {
			runs = append(runs, [2]int64{runStart, end})
		}
		runStart = -1
	}
	for off := from; off < to; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), to-off)], off)
		b := buf[:n]
		// Two tight loops, as most bytes are in neither a run nor next to one:
		// one skips to the next 0x00 or 0xFF, eight bytes at a time while
		// none is either, the other to the run's end.
		for i := 0; i < n; {
			if runStart < 0 {
				for i+8 <= n {
					if v := binary.LittleEndian.Uint64(b[i:]); zeroByte(v)|zeroByte(^v) != 0 {
						break
					}
					i += 8
				}
				for i < n && b[i] != 0x00 && b[i] != 0xFF {
					i++
				}
				if i < n {
					runStart, runByte = off+int64(i), b[i]
					i++
				}
				continue
			}
			for i < n && b[i] == runByte {
				i++
			}
			if i < n {
				flush(off + int64(i)) // b[i] may start the other byte's run
			}
		}
		off += int64(n)
		if err != nil || n == 0 {
			to = off
			break
		}
	}
	flush(to)
	return runs
}

// zeroByte is non-zero when one of v's bytes is zero.
func zeroByte(v uint64) uint64 {
	return (v - 0x0101010101010101) &^ v & 0x8080808080808080
}
