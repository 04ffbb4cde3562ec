package inflate

import (
	"errors"
	"io"
)

// errMore is the decode loops' exit in stream mode when src runs short of
// a symbol's bytes or dst of a match's room: the Reader refills or empties,
// then resumes the block where it stopped.
var errMore = errors.New("inflate: more input or output room needed")

const (
	history = 32 << 10 // the farthest a distance reaches back
	// inSize is the input buffer; winSize the output window: history plus
	// the room decoded between two hand-outs.
	inSize  = 128 << 10
	winSize = history + 256<<10
	// maxHeader bounds the bytes of a block header with a dynamic block's
	// code lengths (3+14+19*3 bits, then at most 320 lengths of up to 7
	// bits of code and 7 extra bits: under 570 bytes), so that a header is
	// read whole from the input buffer.
	maxHeader = 1 << 10
)

// Where a Reader is in the stream.
const (
	atBlock  = iota // before a block header
	inStored        // copying a stored block's bytes (decoder.left)
	inCodes         // decoding a Huffman block with the tables lt and dt
	atEnd           // after the final block
)

// Reader decodes a raw DEFLATE stream from an io.Reader with the same loops
// as Decode: the input goes through a buffer refilled when fewer bytes than
// a symbol needs remain, and the output through a window that keeps the
// last 32 KiB as the history distances reach into. Work is bounded by the
// input read and the output written; memory is fixed (~430 KiB).
type Reader struct {
	d       decoder
	r       io.Reader
	buf     []byte // input: d.src is buf[:n]
	base    int64  // input bytes dropped before buf[0]
	eof     bool   // r has no more input
	err     error  // sticky: io.EOF after the final block, or what failed
	state   int
	final   bool // the block being decoded is the final one
	lt      *[litSize]uint32
	dt      *[distSize]uint32
	flushed int // d.dst[flushed:d.out] is decoded but not handed out
}

// NewReader returns a Reader of the raw DEFLATE stream that r starts with.
func NewReader(r io.Reader) *Reader {
	z := &Reader{buf: make([]byte, inSize)}
	z.d.dst = make([]byte, winSize)
	z.d.stream = true
	z.Reset(r)
	return z
}

// Reset makes z read a new stream from r, reusing its buffers.
func (z *Reader) Reset(r io.Reader) {
	*z = Reader{d: decoder{dst: z.d.dst, stream: true}, r: r, buf: z.buf}
	z.d.src = z.buf[:0]
}

// Consumed returns the bytes of the input that belong to the stream so far:
// after io.EOF, up to the final block's last byte, like Decode's end. The
// bytes read past it are the caller's to read again.
func (z *Reader) Consumed() int64 {
	return z.base + int64(z.d.in) - int64(z.d.nb>>3)
}

// Read decodes into p. It returns io.EOF after the final block; ErrCorrupt,
// ErrTruncated or the input's error when the stream breaks.
func (z *Reader) Read(p []byte) (int, error) {
	d := &z.d
	for z.flushed == d.out {
		if z.err != nil {
			return 0, z.err
		}
		z.decode()
	}
	n := copy(p, d.dst[z.flushed:d.out])
	z.flushed += n
	return n, nil
}

// WriteTo decodes the rest of the stream to w, handing it the window's
// bytes without a copy. It returns nil at the final block's end.
func (z *Reader) WriteTo(w io.Writer) (int64, error) {
	d := &z.d
	var total int64
	for {
		if z.flushed < d.out {
			n, err := w.Write(d.dst[z.flushed:d.out])
			total += int64(n)
			z.flushed += n
			if err == nil && z.flushed < d.out {
				err = io.ErrShortWrite
			}
			if err != nil {
				return total, err
			}
		}
		if z.err == io.EOF {
			return total, nil
		}
		if z.err != nil {
			return total, z.err
		}
		z.decode()
	}
}

// decode decodes into the window until its room runs short or the stream
// ends (z.err set). The window slides first when it is full and handed out.
func (z *Reader) decode() {
	d := &z.d
	if len(d.dst)-d.out < fastOut && z.flushed == d.out && d.out > history {
		copy(d.dst, d.dst[d.out-history:d.out])
		d.out = history
		z.flushed = d.out
	}
	if err := z.step(); err != nil {
		z.err = err
	}
}

// step runs the state machine until the window's room is below a match's
// need (nil) or the stream ends (io.EOF) or breaks.
func (z *Reader) step() error {
	d := &z.d
	for {
		switch z.state {
		case atBlock:
			if z.final {
				z.state = atEnd
				continue
			}
			if err := z.refill(maxHeader); err != nil {
				return err
			}
			if err := d.need(3); err != nil {
				return err
			}
			z.final = d.bits&1 != 0
			typ := d.bits >> 1 & 3
			d.drop(3)
			switch typ {
			case 0:
				if err := d.storedHeader(); err != nil {
					return err
				}
				z.state = inStored
			case 1:
				z.lt, z.dt, z.state = &fixedLit, &fixedDist, inCodes
			case 2:
				if err := d.header(); err != nil {
					return err
				}
				z.lt, z.dt, z.state = &d.lit, &d.dist, inCodes
			default:
				return ErrCorrupt
			}
		case inStored:
			if d.left == 0 {
				z.state = atBlock
				continue
			}
			if d.out == len(d.dst) {
				return nil
			}
			if err := z.refill(1); err != nil {
				return err
			}
			if d.in == len(d.src) {
				return ErrTruncated
			}
			d.storedCopy()
		case inCodes:
			if len(d.dst)-d.out < fastOut {
				return nil
			}
			if err := z.refill(fastIn); err != nil {
				return err
			}
			var err error
			if len(d.src)-d.in >= fastIn {
				err = d.codes(z.lt, z.dt)
			} else {
				err = d.slowCodes(z.lt, z.dt) // the input's last bytes
			}
			switch err {
			case nil:
				z.state = atBlock
			case errMore:
			default:
				return err
			}
		default:
			return io.EOF
		}
	}
}

// refill makes src hold at least want unread bytes, or all that is left:
// it moves the bytes not yet consumed to the front of the buffer and reads
// after them. These include the whole bytes in the bit buffer, which a
// stored block hands back, and the bits it holds past nb are copies of the
// unread bytes, which keep their values: the bit buffer stays valid.
func (z *Reader) refill(want int) error {
	d := &z.d
	if len(d.src)-d.in >= want || z.eof {
		return nil
	}
	keep := d.in - int(d.nb>>3)
	n := copy(z.buf, d.src[keep:])
	z.base += int64(keep)
	d.in -= keep
	d.src = z.buf[:n]
	for empty := 0; n-d.in < want; {
		m, err := z.r.Read(z.buf[n:])
		n += m
		d.src = z.buf[:n]
		switch {
		case err == io.EOF:
			z.eof = true
			return nil
		case err != nil:
			return err
		case m == 0:
			if empty++; empty == 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}
