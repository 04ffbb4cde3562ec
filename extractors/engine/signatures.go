package engine

import (
	"bytes"
	"encoding/binary"
	"io"
	"sort"
	"sync"

	"github.com/fwstar/fwstar/extractors"
)

// candidate is one magic hit: handler h may start a chunk at start.
type candidate struct {
	start int64
	h     int // index into the engine's handlers; the order is the priority
}

type magicRef struct {
	h   int
	m   extractors.Magic
	key int // where in m.Bytes the two bytes it is bucketed by start
}

// signatures finds every magic of every handler in one pass over a blob. Each
// magic is bucketed by its rarest two adjacent bytes (not its first two:
// TP-Link's "\x01\x00\x00\x00TP-LINK" would stop the scan at every small
// integer of a binary), so most positions cost a two-byte load and a lookup
// in a 64 KiB byte table, eight positions per branch. (A bit table would fit
// L1 better but its shifts made the scan 1.5-1.8x slower.)
type signatures struct {
	buckets [][]magicRef
	// Two bytes are looked up as a little-endian uint16 (the first in the low byte).
	index  [1 << 16]uint16 // two bytes -> 1 + index into buckets; 0: none
	keyed  [1 << 16]uint8  // index != 0 in half the bytes: the scan reads this (reading index was slower, 1.2-1.5 against 1.4-2.1 GB/s on OpenWrt)
	filter keyFilter       // keyed, roughly, for 16 positions at once (keyfilter.go)
	maxLen int
	maxKey int   // the largest key position
	maxOff int64 // the largest magic offset (tar's 257)
}

// pairCost ranks two adjacent magic bytes by how often such bytes meet in
// firmware: zeros and 0xFF fill padding and integers, small values and
// powers of two are common in binaries, lowercase text and digits in text
// and tar headers; other bytes less so.
func pairCost(a, b byte) int {
	return byteCost(a) * byteCost(b)
}

func byteCost(c byte) int {
	switch {
	case c == 0:
		return 8
	case c == 0xFF:
		return 6
	case c < 0x10 || c&(c-1) == 0:
		return 4
	case c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == ' ':
		return 2
	}
	return 1
}

func newSignatures(hs []extractors.Handler) *signatures {
	s := &signatures{buckets: [][]magicRef{nil}}
	var keys [][2]byte
	for i, h := range hs {
		for _, m := range h.Magics() {
			if len(m.Bytes) < 2 {
				panic("engine: magic shorter than two bytes in " + h.Name())
			}
			key := 0
			for p := 1; p+1 < len(m.Bytes); p++ {
				if pairCost(m.Bytes[p], m.Bytes[p+1]) < pairCost(m.Bytes[key], m.Bytes[key+1]) {
					key = p
				}
			}
			k := binary.LittleEndian.Uint16(m.Bytes[key:])
			if s.index[k] == 0 {
				s.index[k] = uint16(len(s.buckets))
				s.buckets = append(s.buckets, nil)
			}
			s.buckets[s.index[k]] = append(s.buckets[s.index[k]], magicRef{i, m, key})
			if s.keyed[k] == 0 {
				keys = append(keys, [2]byte{m.Bytes[key], m.Bytes[key+1]})
			}
			s.keyed[k] = 1
			s.maxLen = max(s.maxLen, len(m.Bytes))
			s.maxKey = max(s.maxKey, key)
			s.maxOff = max(s.maxOff, m.Offset)
		}
	}
	s.filter = newKeyFilter(keys)
	return s
}

// scanWindow is the bytes scanned at once; it bounds the candidates held (a
// window of magic bytes) to a few MiB.
const scanWindow = 256 << 10

// cursor yields a blob's candidates in order (by start, then priority), one
// window of the blob at a time: a blob made of magic bytes costs one window
// of candidates in memory, not one per byte of the blob. Candidates a header
// hints at are merged in.
type cursor struct {
	s      *signatures
	r      io.ReaderAt
	size   int64
	base   int64 // start of the next window to scan
	buf    []byte
	ready  []candidate // scanned, sorted, not yet returned
	hinted []candidate // from hints, sorted
	last   candidate
	any    bool
}

func (s *signatures) cursor(r io.ReaderAt, size int64) *cursor {
	return &cursor{s: s, r: r, size: size, buf: make([]byte, min(size, scanWindow)+int64(s.maxLen))}
}

// skipTo drops what lies before pos: bytes inside an extracted chunk are not
// scanned at all. A magic at or after pos is the only way to a start at or
// after pos, since magics sit at non-negative offsets into their chunk.
func (c *cursor) skipTo(pos int64) {
	i := sort.Search(len(c.ready), func(i int) bool { return c.ready[i].start >= pos })
	c.ready = c.ready[i:]
	if pos > c.base {
		c.base = pos
	}
}

// split hands the candidates in [c.start, end) to a cursor of their own over
// r, which ends there, and skips them here; c, just returned, is one of them.
func (c *cursor) split(first candidate, end int64, r io.ReaderAt) *cursor {
	sub := &cursor{s: c.s, r: r, size: end, base: max(first.start, c.base), hinted: []candidate{first}}
	if sub.base < end {
		sub.buf = make([]byte, min(end-sub.base, scanWindow)+int64(c.s.maxLen))
	}
	for _, x := range c.ready {
		if x.start >= first.start && x.start < end {
			sub.ready = append(sub.ready, x)
		}
	}
	for _, x := range c.hinted {
		if x.start >= first.start && x.start < end {
			sub.hinted = append(sub.hinted, x)
		}
	}
	sortCandidates(sub.hinted)
	c.skipTo(end)
	return sub
}

// hint adds candidates at a header's word; they are never behind the cursor.
func (c *cursor) hint(cs ...candidate) {
	c.hinted = append(c.hinted, cs...)
	sortCandidates(c.hinted)
}

// fill scans windows until the earliest scanned candidate can no longer be
// preceded by one from a later window, or the blob ends.
func (c *cursor) fill() {
	for c.base < c.size {
		// A later window's magics start chunks at or after its base minus the
		// largest magic offset.
		if len(c.ready) > 0 && c.ready[0].start < c.base-c.s.maxOff {
			return
		}
		n, _ := c.r.ReadAt(c.buf, c.base)
		w := c.buf[:n]
		limit := min(n, scanWindow) // the overlap is scanned by the next window
		from := len(c.ready)
		c.s.scan(w, limit, c.base, func(cand candidate) bool {
			c.ready = append(c.ready, cand)
			return true
		})
		if from > 0 || len(c.ready) > 1 {
			sortCandidates(c.ready)
		}
		if n < len(c.buf) {
			c.base = c.size
		} else {
			c.base += scanWindow
		}
	}
}

// scan passes emit the candidate of every magic that starts at w[i], i < limit,
// and lies wholly within w, whose first byte is at offset base of the blob,
// until emit returns false. Candidates come in no particular order.
func (s *signatures) scan(w []byte, limit int, base int64, emit func(candidate) bool) {
	// A magic starting before limit has its key up to maxKey bytes later.
	end := min(limit+s.maxKey, len(w)-1)
	if end <= 0 {
		return
	}
	keys := w[:end+1] // a key at i < end has its second byte at most at end
	for i := s.next(keys, 0); i < end; i = s.next(keys, i+1) {
		if !s.at1(w, i, limit, base, emit) {
			return
		}
	}
}

// next returns the first position from i on where w holds a key (two
// bytes that bucket a magic), or len(w)-1 when there is none.
func (s *signatures) next(w []byte, i int) int {
	i = s.bulk(w, i)
	for ; i+8 < len(w); i += 8 {
		b := w[i : i+9 : i+9]
		if s.keyed[binary.LittleEndian.Uint16(b[0:])]|s.keyed[binary.LittleEndian.Uint16(b[1:])]|
			s.keyed[binary.LittleEndian.Uint16(b[2:])]|s.keyed[binary.LittleEndian.Uint16(b[3:])]|
			s.keyed[binary.LittleEndian.Uint16(b[4:])]|s.keyed[binary.LittleEndian.Uint16(b[5:])]|
			s.keyed[binary.LittleEndian.Uint16(b[6:])]|s.keyed[binary.LittleEndian.Uint16(b[7:])] != 0 {
			break
		}
	}
	for ; i+1 < len(w); i++ {
		if s.keyed[binary.LittleEndian.Uint16(w[i:])] != 0 {
			return i
		}
	}
	return len(w) - 1
}

// at1 emits the magics keyed by the two bytes at w[i]; false when emit said stop.
func (s *signatures) at1(w []byte, i, limit int, base int64, emit func(candidate) bool) bool {
	k := binary.LittleEndian.Uint16(w[i:])
	for _, ref := range s.buckets[s.index[k]] {
		j := i - ref.key
		if j < 0 || j >= limit || !bytes.HasPrefix(w[j:], ref.m.Bytes) {
			continue
		}
		if start := base + int64(j) - ref.m.Offset; start >= 0 && !emit(candidate{start: start, h: ref.h}) {
			return false
		}
	}
	return true
}

// magicWatch sees a file's bytes as the sink writes them and notes the
// candidates their magics give (what cursor.fill would find), so that a file
// without one is not read back to be scanned, and one with a few is scanned
// from the list instead of read back whole.
type magicWatch struct {
	s     *signatures
	off   int64  // offset in the file of tail[0]
	tail  []byte // the last bytes seen, fewer than maxLen: a magic starting there may end in the next write
	hit   bool
	cands []candidate // in the order seen, maybe twice; nil once over
	over  bool        // more than maxWatched candidates: the list is dropped
}

// maxWatched bounds the candidates a watch keeps for one file; a file with
// more is read back and scanned as before.
const maxWatched = 256

func (w *magicWatch) Write(p []byte) (int, error) {
	if w.over || len(p) == 0 {
		return len(p), nil
	}
	found := func(c candidate) bool {
		w.hit = true
		if len(w.cands) == maxWatched {
			w.over, w.cands = true, nil
			return false
		}
		w.cands = append(w.cands, c)
		return true
	}
	keep := w.s.maxLen - 1
	if k := len(w.tail); k > 0 {
		// Magics that start in the tail and end in p (those wholly in the
		// tail come again: the list is deduplicated at the end).
		w.s.scan(append(w.tail, p[:min(len(p), w.s.maxLen)]...), k, w.off, found)
		w.tail = w.tail[:k]
	}
	if !w.over {
		w.s.scan(p, len(p), w.off+int64(len(w.tail)), found)
	}
	if w.over {
		w.tail = nil
		return len(p), nil
	}
	// Keep the stream's last keep bytes, which may span earlier writes.
	if len(p) >= keep {
		w.off += int64(len(w.tail) + len(p) - keep)
		w.tail = append(w.tail[:0], p[len(p)-keep:]...)
	} else {
		w.tail = append(w.tail, p...)
		if drop := len(w.tail) - keep; drop > 0 {
			w.off += int64(drop)
			w.tail = w.tail[:copy(w.tail, w.tail[drop:])]
		}
	}
	return len(p), nil
}

// list returns the candidates in the cursor's order, each once, or nil when
// the watch kept none (no magic, or too many).
func (w *magicWatch) list() []candidate {
	if w.over || len(w.cands) == 0 {
		return nil
	}
	sortCandidates(w.cands)
	out := w.cands[:1]
	for _, c := range w.cands[1:] {
		if c != out[len(out)-1] {
			out = append(out, c)
		}
	}
	return out
}

// listed is a cursor over candidates a watch already found in a blob of size
// bytes: nothing is read to scan it.
func (s *signatures) listed(r io.ReaderAt, size int64, cands []candidate) *cursor {
	return &cursor{s: s, r: r, size: size, base: size, ready: cands}
}

// next returns the next candidate not returned before.
func (c *cursor) next() (candidate, bool) {
	for {
		c.fill()
		var cand candidate
		switch {
		case len(c.ready) > 0 && (len(c.hinted) == 0 || less(c.ready[0], c.hinted[0])):
			cand, c.ready = c.ready[0], c.ready[1:]
		case len(c.hinted) > 0:
			cand, c.hinted = c.hinted[0], c.hinted[1:]
		default:
			return candidate{}, false
		}
		if c.any && cand.start == c.last.start && cand.h == c.last.h {
			continue // two magics of one handler, or a hint where a magic is
		}
		c.last, c.any = cand, true
		return cand, true
	}
}

func less(a, b candidate) bool {
	if a.start != b.start {
		return a.start < b.start
	}
	return a.h < b.h
}

func sortCandidates(c []candidate) {
	sort.SliceStable(c, func(i, j int) bool { return less(c[i], c[j]) })
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

// pageReader serves a handler's Identify reads from one cached page of the
// blob: candidates come in order, so most headers are read without a system
// call (a blob made of one magic has a candidate every few bytes).
type pageReader struct {
	r    io.ReaderAt
	base int64
	page *[identifyPage]byte
	n    int
}

// identifyPage is small: headers are small, and candidates far apart (a
// common magic in a large file) each cost a read of the page.
const identifyPage = 8 << 10

// pages are reused: a page per scanned file, freshly allocated, cost as
// much as reading it (the second look at OpenWrt's files reads 101).
var pages = sync.Pool{New: func() any { return new([identifyPage]byte) }}

// release gives the page back; the reader may be used again after.
func (p *pageReader) release() {
	if p.page != nil {
		pages.Put(p.page)
		p.page, p.n = nil, 0
	}
}

func (p *pageReader) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 || len(b) > identifyPage/2 {
		return p.r.ReadAt(b, off)
	}
	if off < p.base || off+int64(len(b)) > p.base+int64(p.n) || p.page == nil {
		if p.page == nil {
			p.page = pages.Get().(*[identifyPage]byte)
		}
		n, err := p.r.ReadAt(p.page[:], off)
		p.base, p.n = off, n
		if n < len(b) {
			p.n = 0
			if err == nil {
				err = io.EOF
			}
			m := copy(b, p.page[:n])
			return m, err
		}
	}
	return copy(b, p.page[off-p.base:]), nil
}
