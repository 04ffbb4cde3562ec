package engine

import (
	"encoding/binary"
	"io"
	"math"
)

// region is a stretch of a blob's unclaimed bytes: its Shannon entropy in
// bits per byte and whether it is padding (every byte the same 0x00 or 0xFF).
type region struct {
	from, to int64
	entropy  float64
	padding  bool
}

// minPadding is the shortest run of 0x00 or 0xFF reported as padding of its
// own inside an unclaimed region; shorter runs are part of the data.
const minPadding = 512

// regions splits [from, to) at its runs of at least minPadding bytes of one
// 0x00 or 0xFF and returns the runs and the stretches between them, each with
// its entropy, reading the bytes once.
func regions(r io.ReaderAt, from, to int64) []region {
	var out []region
	var hist [256]int64 // the bytes of [seg, the position reached)
	seg := from
	emit := func(end int64) {
		if n := end - seg; n > 0 {
			g := region{from: seg, to: end, padding: hist[0] == n || hist[0xFF] == n}
			for _, c := range hist {
				if c > 0 {
					p := float64(c) / float64(n)
					g.entropy -= p * math.Log2(p)
				}
			}
			out = append(out, g)
		}
		clear(hist[:])
		seg = end
	}
	runStart, runByte := int64(-1), byte(0)
	flush := func(end int64) { // the run in hand ends at end
		if n := end - runStart; runStart >= 0 && n >= minPadding {
			hist[runByte] -= n
			emit(runStart)
			hist[runByte] = n
			emit(end)
		}
		runStart = -1
	}
	buf := make([]byte, min(64<<10, max(to-from, 0)))
	for off := from; off < to; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), to-off)], off)
		b := buf[:n]
		counted := 0
		count := func(upto int) {
			for _, c := range b[counted:upto] {
				hist[c]++
			}
			counted = upto
		}
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
				count(i)
				flush(off + int64(i)) // b[i] may start the other byte's run
			}
		}
		count(n)
		off += int64(n)
		if err != nil || n == 0 {
			// Unreadable from here: what was read is reported, the rest as
			// one stretch of unknown content.
			flush(off)
			emit(off)
			if off < to {
				out = append(out, region{from: off, to: to})
			}
			return out
		}
	}
	flush(to)
	emit(to)
	return out
}

// zeroByte is non-zero when one of v's bytes is zero.
func zeroByte(v uint64) uint64 {
	return (v - 0x0101010101010101) &^ v & 0x8080808080808080
}
