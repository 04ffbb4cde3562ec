package fat

import (
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// maxRun is how much one read covers: contiguous clusters are read together.
const maxRun = 1 << 20

// fileReader streams a file's clusters, size bytes in all.
type fileReader struct {
	v    *volume
	ch   *chain
	left int64
	pend uint32 // a cluster read ahead that did not join the last run
	buf  []byte
	out  []byte
	err  error
}

func (v *volume) open(e entry) io.Reader {
	return &fileReader{v: v, ch: v.chain(e.cluster), left: e.size}
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.out) == 0 {
		if f.left <= 0 {
			return 0, io.EOF
		}
		if f.err != nil {
			return 0, f.err
		}
		f.err = f.fill()
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

// fill reads the next run of consecutive clusters.
func (f *fileReader) fill() error {
	cs := f.v.bpb.clusterSize()
	if f.buf == nil {
		f.buf = make([]byte, min(max(maxRun, cs), (f.left+cs-1)/cs*cs))
	}
	first := f.pend
	f.pend = 0
	if first == 0 {
		c, err := f.ch.next()
		if err != nil {
			return err
		}
		if c == 0 {
			return extractors.Errorf("fat", f.v.base+f.v.bpb.fatOff, "chain from cluster %d ends %d bytes short", f.ch.first, f.left)
		}
		first = c
	}
	n := int64(1)
	for n*cs < min(int64(len(f.buf)), f.left) {
		c, err := f.ch.next()
		if err != nil || c == 0 {
			break // the next fill reports it
		}
		if c != first+uint32(n) {
			f.pend = c
			break
		}
		n++
	}
	b := f.buf[:n*cs]
	off := f.v.clusterOff(first)
	if off+int64(len(b)) > f.v.limit {
		return extractors.Errorf("fat", off, "clusters %d-%d past the end", first, first+uint32(n)-1)
	}
	if _, err := f.v.r.ReadAt(b, off); err != nil && err != io.EOF {
		return extractors.Wrap("fat", off, err, "cluster %d", first)
	}
	b = b[:min(int64(len(b)), f.left)]
	f.left -= int64(len(b))
	f.out = b
	return nil
}
