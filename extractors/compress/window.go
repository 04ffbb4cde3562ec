package compress

import (
	"context"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// window reads small structures of a blob forward through one cached 8 KiB
// buffer, so walking thousands of block headers costs few ReadAt calls.
type window struct {
	r    io.ReaderAt
	size int64
	buf  [8192]byte
	base int64 // blob offset of buf[0]
	n    int   // valid bytes in buf
}

func newWindow(r io.ReaderAt, size int64) *window { return &window{r: r, size: size, base: -1} }

// at returns n bytes at off (n <= 4096), or io.ErrUnexpectedEOF past the end.
func (w *window) at(off int64, n int) ([]byte, error) {
	if n < 0 || n > len(w.buf)/2 || off < 0 || off > w.size || int64(n) > w.size-off {
		return nil, io.ErrUnexpectedEOF
	}
	if w.base < 0 || off < w.base || off+int64(n) > w.base+int64(w.n) {
		m, err := w.r.ReadAt(w.buf[:], off)
		if m < n {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			w.base = -1
			return nil, err
		}
		w.base, w.n = off, m
	}
	i := int(off - w.base)
	return w.buf[i : i+n], nil
}

// named is what the engine's blobs are (*os.File): the parent's file name is
// the only way a handler can learn it through the current contract.
type named interface{ Name() string }

// outName is the name a stream's content gets: the name stored in its header
// when it has a safe one; else, for a stream that starts its parent file, the
// parent's name without the compressor's suffix ("initrd.gz" -> "initrd",
// "x.tgz" -> "x.tar"); else fallback ("xz.out").
func outName(r io.ReaderAt, start int64, stored, fallback string, suffixes map[string]string) string {
	if s := safeBase(stored); s != "" {
		return s
	}
	if f, ok := r.(named); ok && start == 0 {
		base := safeBase(f.Name())
		ext := strings.ToLower(path.Ext(base))
		if repl, ok := suffixes[ext]; ok && len(base) > len(ext) {
			return base[:len(base)-len(ext)] + repl
		}
	}
	return fallback
}

func safeBase(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	if name == "" || name == "." || name == "/" || name == ".." || strings.IndexByte(name, 0) >= 0 {
		return ""
	}
	return name
}

// decoded turns a decoder's errors (other than io.EOF) into FormatErrors, so
// that what Blob returns says where the stream broke. pos tells the input
// offset reached, when the decoder's input is counted.
type decoded struct {
	r      io.Reader
	format string
	pos    func() int64
}

func (d decoded) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmtErr(d.format, d.pos(), err)
	}
	return n, err
}

// fmtErr wraps a decoder error as a FormatError at off unless it already is
// one or is the sink's own (budget, context) error.
func fmtErr(format string, off int64, err error) error {
	if err == nil {
		return nil
	}
	switch err.(type) {
	case *extractors.FormatError, *extractors.LimitError, *extractors.PathError:
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return extractors.Wrap(format, off, io.ErrUnexpectedEOF, "truncated stream")
	}
	return extractors.Wrap(format, off, err, "stream")
}

// offsetReader reads a blob forward from pos up to end (-1: no end) and
// tells how far it has read, for error offsets.
type offsetReader struct {
	r        io.ReaderAt
	pos, end int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	if o.end >= 0 {
		if o.pos >= o.end {
			return 0, io.EOF
		}
		p = p[:min(int64(len(p)), o.end-o.pos)]
	}
	n, err := o.r.ReadAt(p, o.pos)
	o.pos += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}
