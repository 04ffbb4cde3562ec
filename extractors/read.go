package extractors

import (
	"encoding/binary"
	"io"
	"syscall"
)

// NoPoll joins the flags of an open of what should be a regular file (one
// the sink wrote or is writing). os.OpenFile offers every file it opens to
// the runtime's poller: for a regular file that is two fcntl calls to set
// O_NONBLOCK, an epoll_ctl that fails and two fcntl calls to clear it again,
// about 3 µs per file. Opened with O_NONBLOCK, only the failing epoll_ctl
// is left; Linux ignores the flag in a regular file's reads and writes, and
// a FIFO met where a file was expected opens without waiting for a writer.
const NoPoll = syscall.O_NONBLOCK

// MaxAlloc caps any buffer sized from input before the data has been seen to
// exist; larger reads are refused (formats with bigger records stream instead).
const MaxAlloc = 64 << 20

// ReadAt reads exactly n bytes at off of a blob of size bytes. It refuses reads
// past the end and reads larger than MaxAlloc, so a length field cannot make it
// allocate more than the input holds.
func ReadAt(r io.ReaderAt, off int64, n int, size int64) ([]byte, error) {
	if n < 0 || off < 0 || n > MaxAlloc || off > size || int64(n) > size-off {
		return nil, io.ErrUnexpectedEOF
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, off); err != nil && err != io.EOF {
		return nil, err
	} else if err == io.EOF {
		// ReaderAt may return EOF with a full read at the very end.
		if m, _ := r.ReadAt(b, off); m < n {
			return nil, io.ErrUnexpectedEOF
		}
	}
	return b, nil
}

// Order returns the byte order whose decoding of b equals want, or nil.
func Order(b []byte, want uint32) binary.ByteOrder {
	switch {
	case len(b) < 4:
		return nil
	case binary.LittleEndian.Uint32(b) == want:
		return binary.LittleEndian
	case binary.BigEndian.Uint32(b) == want:
		return binary.BigEndian
	}
	return nil
}

// CountingReader counts the bytes read through it. Wrapped in a bufio-free
// io.ByteReader it lets a stream decoder report exactly where its stream ended.
type CountingReader struct {
	R      io.ReaderAt
	N      int64 // absolute offset of the next byte
	buf    [4096]byte
	lo, hi int
	base   int64
}

// NewCountingReader reads r from off onwards.
func NewCountingReader(r io.ReaderAt, off int64) *CountingReader {
	return &CountingReader{R: r, N: off, base: off}
}

func (c *CountingReader) fill() error {
	c.base += int64(c.hi)
	c.lo, c.hi = 0, 0
	n, err := c.R.ReadAt(c.buf[:], c.base)
	c.hi = n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.EOF
	}
	return err
}

// ReadByte implements io.ByteReader so that flate, gzip and lzma readers
// consume no more than they need.
func (c *CountingReader) ReadByte() (byte, error) {
	if c.lo == c.hi {
		if err := c.fill(); err != nil {
			return 0, err
		}
	}
	b := c.buf[c.lo]
	c.lo++
	c.N++
	return b, nil
}

func (c *CountingReader) Read(p []byte) (int, error) {
	if c.lo == c.hi {
		if err := c.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.buf[c.lo:c.hi])
	c.lo += n
	c.N += int64(n)
	return n, nil
}
