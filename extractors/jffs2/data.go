package jffs2

import (
	"io"
	"slices"
	"sort"
)

// frag is a byte range [start, end) of a file served by node n, whose data
// begins at file offset n.offset.
type frag struct {
	start, end uint32
	n          *inode
}

// fragments resolves which node holds each byte of a file: newer versions
// win where nodes overlap (a rewrite), gaps are holes. The newest nodes are
// laid first and older ones only fill what is still uncovered.
func fragments(nodes []inode, size uint32) []frag {
	order := make([]*inode, len(nodes))
	for i := range nodes {
		order[i] = &nodes[i]
	}
	sort.SliceStable(order, func(a, b int) bool { return order[a].version > order[b].version })
	var covered [][2]uint32 // sorted, disjoint
	var out []frag
	for _, n := range order {
		lo, hi := n.offset, min(n.offset+n.dsize, size)
		if lo >= hi {
			continue
		}
		// Walk the covered intervals that meet [lo, hi) and take the gaps.
		i := sort.Search(len(covered), func(i int) bool { return covered[i][1] >= lo })
		j, cur := i, lo
		for ; j < len(covered) && covered[j][0] <= hi; j++ {
			if covered[j][0] > cur {
				out = append(out, frag{cur, covered[j][0], n})
			}
			cur = max(cur, covered[j][1])
		}
		if cur < hi {
			out = append(out, frag{cur, hi, n})
		}
		// Merge [lo, hi) with the intervals it meets or touches.
		nlo, nhi := lo, hi
		if i < j {
			nlo, nhi = min(lo, covered[i][0]), max(hi, covered[j-1][1])
		}
		covered = slices.Replace(covered, i, j, [2]uint32{nlo, nhi})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].start < out[b].start })
	return out
}

// fileReader streams a file's bytes, decompressing each node when first
// needed; holes read as zeros.
type fileReader struct {
	w     *window
	frags []frag
	size  uint32
	pos   uint32
	cur   *inode // node whose data is in buf
	buf   []byte
	err   func(n *inode, err error) // records a node that failed to decode
}

func (f *fileReader) Read(p []byte) (int, error) {
	if f.pos >= f.size {
		return 0, io.EOF
	}
	for len(f.frags) > 0 && f.frags[0].end <= f.pos {
		f.frags = f.frags[1:]
	}
	limit := f.size
	if len(f.frags) > 0 && f.frags[0].start <= f.pos {
		fr := f.frags[0]
		if f.cur != fr.n {
			f.load(fr.n)
		}
		n := copy(p, f.buf[f.pos-fr.n.offset:fr.end-fr.n.offset])
		f.pos += uint32(n)
		return n, nil
	}
	if len(f.frags) > 0 {
		limit = f.frags[0].start
	}
	n := int(min(uint32(len(p)), limit-f.pos))
	clear(p[:n])
	f.pos += uint32(n)
	return n, nil
}

// load decompresses node n into buf; a node that fails reads as zeros.
func (f *fileReader) load(n *inode) {
	f.cur = n
	if cap(f.buf) < int(n.dsize) {
		f.buf = make([]byte, n.dsize)
	}
	f.buf = f.buf[:n.dsize]
	src, err := f.w.at(n.data, int(n.csize))
	if err == nil {
		err = decompress(n.compr, src, f.buf)
	}
	if err != nil {
		clear(f.buf)
		f.err(n, err)
	}
}
