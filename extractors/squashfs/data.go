package squashfs

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/fwstar/fwstar/extractors"
)

// File data is decoded by a pool of workers, one decoder each, while files
// are written, hashed and scanned by another pool, a file each: the walker
// queues every block of a file as a piece on the file's own queue (in file
// order) and hands it to the decoders; a file's writer takes its pieces off
// its queue and waits for each to be done. A token per queued block that
// holds its own decoded bytes bounds those held at once; a fragment block
// shared by many small files takes one token, not one per file, so that the
// walk runs on past them and the next fragment block is decoded meanwhile.

const uncompressedBit = 1 << 24 // in a data block's size word

var errStopped = errors.New("stopped")

// piece is one data or fragment block, filled in by a worker.
type piece struct {
	done   chan struct{}
	data   []byte
	err    error
	pooled bool // data goes back to the pool once written
}

type job struct {
	p    *piece
	off  int64
	word uint32 // on-disk size word
	max  int    // what it may decompress to
}

type pipeline struct {
	img     *image
	workers int
	jobs    chan job
	slots   chan struct{} // a token per piece queued and not yet taken by its file
	quit    chan struct{}
	pool    sync.Pool
	zero    []byte // a sparse block
	ready   chan struct{}
	frags   map[uint32]*piece // recent fragment blocks, shared by the files in them
}

func newPipeline(img *image, workers int) *pipeline {
	bs := int(img.s.blockSize)
	pl := &pipeline{
		img:     img,
		workers: workers,
		jobs:    make(chan job, 4*workers),
		slots:   make(chan struct{}, queuedPieces(workers)),
		quit:    make(chan struct{}),
		zero:    make([]byte, bs),
		ready:   make(chan struct{}),
		frags:   map[uint32]*piece{},
	}
	close(pl.ready)
	pl.pool.New = func() any { b := make([]byte, bs); return &b }
	return pl
}

// queuedPieces is how many pieces may wait for their files at once.
func queuedPieces(workers int) int { return 4 * workers }

// work decodes jobs until the queue closes.
func (pl *pipeline) work() {
	dec := newDecoder(pl.img.s.comp, pl.img.s.blockSize)
	var src []byte
	for j := range pl.jobs {
		select {
		case <-pl.quit:
			j.p.err = errStopped
		default:
			j.p.data, j.p.err = pl.decodeBlock(dec, &src, j)
		}
		close(j.p.done)
	}
}

func (pl *pipeline) decodeBlock(dec *decoder, src *[]byte, j job) ([]byte, error) {
	n := int(j.word &^ uncompressedBit)
	if j.word > uncompressedBit|0xFFFFFF || n > 2*int(pl.img.s.blockSize) {
		return nil, pl.img.errorf(j.off, "data block size word 0x%X", j.word)
	}
	if cap(*src) < n {
		*src = make([]byte, n)
	}
	raw := (*src)[:n]
	if j.off < 0 || j.off > pl.img.size-int64(n) {
		return nil, pl.img.errorf(j.off, "data block of %d bytes past the end", n)
	}
	if _, err := pl.img.r.ReadAt(raw, pl.img.base+j.off); err != nil && err != io.EOF {
		return nil, pl.img.errorf(j.off, "read: %v", err)
	}
	buf := *pl.pool.Get().(*[]byte)
	if j.word&uncompressedBit != 0 {
		if n > j.max {
			return nil, pl.img.errorf(j.off, "uncompressed block of %d bytes", n)
		}
		return append(buf[:0], raw...), nil
	}
	out, err := dec.decode(buf, raw, j.max)
	if err != nil {
		return nil, extractors.Wrap("squashfs", pl.img.base+j.off, err, "data block")
	}
	return out, nil
}

// queued is a piece on a file's queue; token says it holds one.
type queued struct {
	p     *piece
	token bool
}

// send queues p on its file's queue q, once a token is free when it takes
// one; nil ends the file. q holds every block that may take a token, the
// fragment block and the nil, so that this never waits for its writer. It
// fails once the writer has stopped.
func (pl *pipeline) send(q chan<- queued, p *piece, token bool) error {
	if token {
		select {
		case pl.slots <- struct{}{}:
		case <-pl.quit:
			return errStopped
		}
	}
	q <- queued{p, token}
	return nil
}

// decodeAt queues a block for the workers and returns its piece.
func (pl *pipeline) decodeAt(off int64, word uint32, max int, pooled bool) (*piece, error) {
	p := &piece{done: make(chan struct{}), pooled: pooled}
	select {
	case pl.jobs <- job{p: p, off: off, word: word, max: max}:
		return p, nil
	case <-pl.quit:
		return nil, errStopped
	}
}

// schedule queues the pieces of a regular file: its blocks, then the
// fragment block its tail is in, then nil to end the file. It stops early
// when the writer aborts the file.
func (pl *pipeline) schedule(in *inode, frag *fragment, abort *atomic.Bool, q chan<- queued) error {
	bs := int64(pl.img.s.blockSize)
	off := in.start
	for i, word := range in.blocks {
		if abort.Load() {
			return pl.send(q, nil, false)
		}
		want := int(min(bs, in.size-int64(i)*bs))
		var p *piece
		if word == 0 { // sparse: a block of zeros, not stored
			p = &piece{done: pl.ready, data: pl.zero[:want]}
		} else {
			var err error
			if p, err = pl.decodeAt(off, word, want, true); err != nil {
				return err
			}
			off += int64(word &^ uncompressedBit)
		}
		if err := pl.send(q, p, true); err != nil {
			return err
		}
	}
	if frag == nil || abort.Load() {
		return pl.send(q, nil, false)
	}
	p, ok := pl.frags[in.frag]
	if !ok {
		var err error
		if p, err = pl.decodeAt(frag.start, frag.size, int(bs), false); err != nil {
			return err
		}
		if len(pl.frags) >= 16 {
			clear(pl.frags)
		}
		pl.frags[in.frag] = p
	}
	if err := pl.send(q, p, !ok); err != nil {
		return err
	}
	return pl.send(q, nil, false)
}

// fileReader streams one file's pieces to the sink.
type fileReader struct {
	ctx    context.Context
	pl     *pipeline
	in     *inode
	pieces <-chan queued
	abort  *atomic.Bool
	next   int  // index of the next piece
	ended  bool // the nil that ends the file was taken
	cur    []byte
	held   *piece
	err    error // a data error, reported by the file rather than the sink
}

func (r *fileReader) Read(b []byte) (int, error) {
	if err := r.fill(); err != nil {
		return 0, err
	}
	n := copy(b, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// WriteTo hands w each decoded block as it is, saving Read's copy.
func (r *fileReader) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for {
		if err := r.fill(); err == io.EOF {
			return n, nil
		} else if err != nil {
			return n, err
		}
		m, err := w.Write(r.cur)
		n += int64(m)
		r.cur = r.cur[m:]
		if err != nil {
			return n, err
		}
	}
}

// fill makes r.cur hold the file's next bytes, or returns io.EOF at its end.
func (r *fileReader) fill() error {
	for len(r.cur) == 0 {
		r.release()
		if r.err != nil {
			return r.err
		}
		if r.ended {
			return io.EOF
		}
		p := r.take()
		if p == nil {
			return io.EOF
		}
		i := r.next
		r.next++
		select {
		case <-p.done:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
		r.held = p
		if p.err != nil {
			r.err = p.err
			return r.err
		}
		bs := int64(r.pl.img.s.blockSize)
		if i < len(r.in.blocks) {
			if want := min(bs, r.in.size-int64(i)*bs); int64(len(p.data)) != want {
				r.err = r.pl.img.errorf(r.in.start, "file block %d holds %d bytes, want %d", i, len(p.data), want)
				return r.err
			}
			r.cur = p.data
		} else {
			tail := r.in.size - int64(len(r.in.blocks))*bs
			if int64(r.in.fragOffset)+tail > int64(len(p.data)) {
				r.err = r.pl.img.errorf(r.in.start, "file tail at %d+%d past its fragment of %d bytes", r.in.fragOffset, tail, len(p.data))
				return r.err
			}
			r.cur = p.data[r.in.fragOffset : int64(r.in.fragOffset)+tail]
		}
	}
	return nil
}

// release returns the block just written to the pool.
func (r *fileReader) release() {
	if r.held != nil && r.held.pooled && r.held.data != nil {
		b := r.held.data[:0]
		r.pl.pool.Put(&b)
	}
	r.held = nil
}

// take returns the file's next piece, or nil at its end, and frees its token.
func (r *fileReader) take() *piece {
	e := <-r.pieces
	if e.p == nil {
		r.ended = true
		return nil
	}
	if e.token {
		<-r.pl.slots
	}
	return e.p
}

// finish stops the walker queueing this file and takes what it queued.
func (r *fileReader) finish() {
	r.release()
	r.abort.Store(true)
	for !r.ended {
		r.take()
	}
}
