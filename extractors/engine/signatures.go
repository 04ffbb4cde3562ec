package engine

import (
	"bytes"
	"io"
	"sort"

	"github.com/fwstar/fwstar/extractors"
)

// candidate is one magic hit: handler h may start a chunk at start.
type candidate struct {
	start int64
	h     int // index into the engine's handlers; the order is the priority
	hint  string
}

type magicRef struct {
	h int
	m extractors.Magic
}

// signatures finds every magic of every handler in one pass over a blob. Magics
// are bucketed by their first two bytes, so each position costs one table load.
type signatures struct {
	table  map[uint16][]magicRef
	first  [256]bool
	maxLen int
}

func newSignatures(hs []extractors.Handler) *signatures {
	s := &signatures{table: map[uint16][]magicRef{}}
	for i, h := range hs {
		for _, m := range h.Magics() {
			if len(m.Bytes) < 2 {
				panic("engine: magic shorter than two bytes in " + h.Name())
			}
			k := uint16(m.Bytes[0])<<8 | uint16(m.Bytes[1])
			s.table[k] = append(s.table[k], magicRef{i, m})
			s.first[m.Bytes[0]] = true
			if len(m.Bytes) > s.maxLen {
				s.maxLen = len(m.Bytes)
			}
		}
	}
	return s
}

const scanWindow = 4 << 20

// scan returns the candidates of a blob sorted by start, then by priority.
func (s *signatures) scan(r io.ReaderAt, size int64) []candidate {
	var out []candidate
	buf := make([]byte, min(size, scanWindow)+int64(s.maxLen))
	for base := int64(0); base < size; base += scanWindow {
		n, _ := r.ReadAt(buf, base)
		w := buf[:n]
		limit := min(n, scanWindow) // the overlap is scanned by the next window
		for i := 0; i+1 < n && i < limit; i++ {
			if !s.first[w[i]] {
				continue
			}
			refs := s.table[uint16(w[i])<<8|uint16(w[i+1])]
			for _, ref := range refs {
				if bytes.HasPrefix(w[i:], ref.m.Bytes) {
					start := base + int64(i) - ref.m.Offset
					if start >= 0 {
						out = append(out, candidate{start: start, h: ref.h})
					}
				}
			}
		}
		if n < len(buf) {
			break
		}
	}
	sortCandidates(out)
	return out
}

func sortCandidates(c []candidate) {
	sort.SliceStable(c, func(i, j int) bool {
		if c[i].start != c[j].start {
			return c[i].start < c[j].start
		}
		return c[i].h < c[j].h
	})
}

// at returns the handlers with a magic present for a chunk starting at off:
// the candidates of a header's hint that names no format.
func (s *signatures) at(r io.ReaderAt, off, size int64, hs []extractors.Handler) []int {
	var out []int
	for i, h := range hs {
		for _, m := range h.Magics() {
			b, err := extractors.ReadAt(r, off+m.Offset, len(m.Bytes), size)
			if err == nil && bytes.Equal(b, m.Bytes) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}
