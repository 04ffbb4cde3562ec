package archive

import "io"

// cpioAhead serves a cpio walk's reads (headers, names, link targets and file
// data, all in increasing order) from one large buffer read ahead of them: a
// newc archive of 1,000 entries costs a few dozen reads of the blob instead
// of one per header, name and 32 KiB of data.
type cpioAhead struct {
	r    io.ReaderAt
	buf  []byte
	base int64 // blob offset of buf[0]
	n    int   // valid bytes in buf
}

const cpioAheadSize = 1 << 20

func newCPIOAhead(r io.ReaderAt) *cpioAhead { return &cpioAhead{r: r, base: -1} }

func (a *cpioAhead) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || len(p) > cpioAheadSize/2 {
		return a.r.ReadAt(p, off)
	}
	if a.base < 0 || off < a.base || off+int64(len(p)) > a.base+int64(a.n) {
		if a.buf == nil {
			a.buf = make([]byte, cpioAheadSize)
		}
		n, err := a.r.ReadAt(a.buf, off)
		a.base, a.n = off, n
		if n < len(p) {
			if err == nil {
				err = io.EOF
			}
			return copy(p, a.buf[:n]), err
		}
	}
	return copy(p, a.buf[off-a.base:a.n]), nil
}
