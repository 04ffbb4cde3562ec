package lzma

import (
	"encoding/binary"
	"io"
)

// HeaderLen is the size of an lzma-alone header: properties, dictionary size
// and uncompressed size (all ones when unknown).
const HeaderLen = 13

// Header is an lzma-alone header; Size is -1 when the stream ends with the
// end marker instead.
type Header struct {
	Props    Props
	DictSize uint32
	Size     int64
}

// ParseHeader reads the 13-byte header at the start of b.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, ErrTruncated
	}
	p, err := ParseProps(b[0])
	if err != nil {
		return Header{}, err
	}
	h := Header{Props: p, DictSize: binary.LittleEndian.Uint32(b[1:]), Size: int64(binary.LittleEndian.Uint64(b[5:]))}
	if h.Size < -1 {
		return Header{}, ErrCorrupt
	}
	return h, nil
}

// dict is the dictionary the stream may refer back into.
func (h Header) dict() int { return int(max(h.DictSize, minDict)) }

// DecodeAlone decodes an lzma-alone stream (header included) from src into
// dst and returns the number of bytes written; a stream that decodes to more
// than len(dst) is ErrTooBig. dictMax caps the header's dictionary.
func DecodeAlone(dst, src []byte, dictMax uint32) (int, error) {
	h, err := ParseHeader(src)
	if err != nil {
		return 0, err
	}
	if h.DictSize > dictMax {
		return 0, ErrDict
	}
	return DecodeRaw(dst, src[HeaderLen:], h)
}

// DecodeRaw decodes headerless LZMA with the properties and sizes of h.
func DecodeRaw(dst, src []byte, h Header) (int, error) {
	var d decoder
	d.setProps(h.Props)
	d.win, d.dictSize = dst, h.dict()
	if err := d.start(src); err != nil {
		return 0, err
	}
	if h.Size < 0 {
		// Up to the end marker; a symbol past len(dst) is ErrTooBig.
		if err := d.run(len(dst)+1, len(dst), len(src)); err != nil {
			return d.pos, err
		}
		if !d.eos || d.rc.code != 0 {
			return d.pos, ErrCorrupt
		}
		return d.pos, nil
	}
	if h.Size > int64(len(dst)) {
		return 0, ErrTooBig
	}
	return d.pos, d.finish(int(h.Size), len(src))
}

// finish decodes up to size bytes of output (the stream's stated size) and
// then reads the optional end marker, which is there unless the coder is
// already at its end.
func (d *decoder) finish(size, safe int) error {
	if err := d.run(size, size, safe); err != nil {
		return err
	}
	if d.eos || d.pending > 0 {
		return ErrCorrupt // an end before the size or a match past it
	}
	if d.pos < size {
		return nil // more input needed
	}
	if d.rc.code == 0 {
		d.eos = true
		return nil
	}
	if err := d.run(size+1, size, safe); err != nil {
		if err == ErrTooBig {
			err = ErrCorrupt
		}
		return err
	}
	if !d.eos {
		return ErrCorrupt
	}
	return nil
}

// inSlack is the input the stream reader keeps buffered ahead of a symbol:
// no symbol takes more (at most about 50 bits, a byte each).
const inSlack = 64

// firstIn is the first read, and the first window; fullIn every later read.
const (
	firstIn = 4 << 10
	fullIn  = 64 << 10
)

// Reader decodes an lzma-alone stream. It reads its input in 64 KiB blocks,
// after a first 4 KiB: most magic hits an engine probes are not LZMA and fail
// within a few hundred bytes, so a probe costs a small read and no 64 KiB
// buffers (the window too starts at 4 KiB and doubles). InputOffset tells
// how much of the input the stream took.
type Reader struct {
	r       io.Reader
	d       decoder
	h       Header
	buf     []byte
	inBase  int64 // input offset of buf[0]
	inEOF   bool
	out     int // next byte of the window to hand out
	total   int64
	maxWin  int
	started bool
	err     error
}

// NewReader reads the header from r; dictMax caps its dictionary.
func NewReader(r io.Reader, dictMax uint32) (*Reader, error) {
	z := new(Reader)
	if err := z.Reset(r, dictMax); err != nil {
		return nil, err
	}
	return z, nil
}

// Reset makes z read a new stream from r, as NewReader does, and keeps the
// buffers z has: an engine probes every lzma magic hit it meets, most in
// vain, and a fresh reader's buffers cost more than a failed probe's decoding.
func (z *Reader) Reset(r io.Reader, dictMax uint32) error {
	var hb [HeaderLen]byte
	if _, err := io.ReadFull(r, hb[:]); err != nil {
		return ErrTruncated
	}
	h, err := ParseHeader(hb[:])
	if err != nil {
		return err
	}
	if h.DictSize > dictMax {
		return ErrDict
	}
	*z = Reader{r: r, h: h, buf: z.buf[:0], inBase: HeaderLen, d: decoder{lit: z.d.lit, win: z.d.win}}
	z.d.setProps(h.Props)
	z.d.dictSize = h.dict()
	// The window keeps the dictionary and half as much again of new output
	// (at least 1 MiB), so sliding costs little; it grows as output comes.
	z.maxWin = z.d.dictSize + max(z.d.dictSize/2, 1<<20)
	if h.Size >= 0 && h.Size < int64(z.maxWin) {
		z.maxWin = int(h.Size)
	}
	// A window kept from an earlier stream is used as far as this one may
	// grow its own; what it holds is never read, as no match reaches
	// behind the stream's first byte.
	z.d.win = z.d.win[:min(cap(z.d.win), z.maxWin)]
	return nil
}

// InputOffset is the number of input bytes the stream has consumed so far,
// header included.
func (z *Reader) InputOffset() int64 { return z.inBase + int64(min(z.d.rc.ip, len(z.d.in))) }

// fill tops the input buffer up so that a whole symbol is there.
func (z *Reader) fill() error {
	in := z.d.in
	if z.inEOF || len(in)-z.d.rc.ip >= inSlack {
		return nil
	}
	size := fullIn
	if !z.started {
		size = firstIn
	}
	if cap(z.buf) < size {
		z.buf = make([]byte, 0, size)
	}
	n := copy(z.buf[:size], in[z.d.rc.ip:])
	z.inBase += int64(z.d.rc.ip)
	m, err := io.ReadFull(z.r, z.buf[n:size])
	z.d.in, z.d.rc.ip = z.buf[:n+m], 0
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		z.inEOF = true
	default:
		return err
	}
	return nil
}

func (z *Reader) safe() int {
	if z.inEOF {
		return len(z.d.in)
	}
	return len(z.d.in) - inSlack
}

func (z *Reader) Read(p []byte) (int, error) {
	for {
		if z.out < z.d.pos {
			n := copy(p, z.d.win[z.out:z.d.pos])
			z.out += n
			return n, nil
		}
		if z.err != nil {
			return 0, z.err
		}
		z.err = z.step()
	}
}

// step decodes the next run of output into the window.
func (z *Reader) step() error {
	d := &z.d
	if d.eos {
		return io.EOF
	}
	if err := z.fill(); err != nil {
		return err
	}
	if !z.started {
		z.started = true
		if err := d.start(d.in); err != nil {
			return err
		}
	}
	left := z.h.Size - z.total // negative when the size is unknown
	if z.h.Size >= 0 && left == 0 {
		return z.end()
	}
	if d.pos == len(d.win) {
		if len(d.win) < z.maxWin {
			w := make([]byte, min(max(2*len(d.win), firstIn), z.maxWin))
			copy(w, d.win[:d.pos])
			d.win = w
		} else {
			shift := d.pos - d.dictSize
			copy(d.win, d.win[shift:d.pos])
			d.pos -= shift
			d.base -= shift
			z.out -= shift
		}
	}
	end := len(d.win)
	if left >= 0 {
		end = d.pos + int(min(int64(end-d.pos), left))
	}
	start := d.pos
	err := d.run(end, end, z.safe())
	z.total += int64(d.pos - start)
	switch {
	case err == ErrTruncated && !z.inEOF:
		err = nil // the symbol stopped for input, not for good
	case err != nil:
	case d.eos && (z.h.Size >= 0 || d.rc.code != 0):
		err = ErrCorrupt // an end before the stated size, or data after it
	}
	return err
}

// end checks the end of a stream with a stated size: the coder is done, or
// the end marker follows; a match past the size is corrupt.
func (z *Reader) end() error {
	d := &z.d
	if d.pending > 0 {
		return ErrCorrupt
	}
	if d.rc.code != 0 {
		err := d.run(d.pos+1, d.pos, z.safe())
		switch {
		case err == ErrTooBig:
			return ErrCorrupt
		case err != nil:
			return err
		case !d.eos && z.inEOF:
			return ErrCorrupt
		case !d.eos:
			return nil // input first
		}
	}
	d.eos = true
	return io.EOF
}
