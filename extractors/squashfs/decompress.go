package squashfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	lzo "github.com/anchore/go-lzo"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/therootcompany/xz"

	"github.com/fwstar/fwstar/extractors/inflate"
	"github.com/fwstar/fwstar/extractors/lzma"
)

// errTooBig is a block that decompresses to more than it may hold.
var errTooBig = errors.New("block decompresses past its size")

// decoder decompresses squashfs blocks of one image. Each goroutine owns one
// so that the stream decoders' state and windows are reused between blocks.
// Squashfs stores raw LZ4 and LZO1X blocks, not frames, and xz blocks may
// carry BCJ filters, which is why those three libraries are used; zlib,
// LZMA and plain LZMA2 xz blocks go to our own whole-buffer decoders.
type decoder struct {
	comp      int
	dictMax   uint32
	blockSize uint32
	src       bytes.Reader
	xr        *xz.Reader
	zd        *zstd.Decoder
}

func newDecoder(comp int, blockSize uint32) *decoder {
	return &decoder{comp: comp, dictMax: max(blockSize, 1<<20), blockSize: blockSize}
}

// decode decompresses src into buf (reused) and returns at most max bytes.
func (d *decoder) decode(buf, src []byte, max int) ([]byte, error) {
	if cap(buf) < max {
		buf = make([]byte, max)
	}
	buf = buf[:max]
	switch d.comp {
	case compGzip:
		return zlibBlock(buf, src)
	case compXZ:
		// Our decoder takes the LZMA2-only blocks (most images); blocks
		// with BCJ filters go to therootcompany/xz.
		n, err := lzma.DecodeXZ(buf, src, d.dictMax)
		if err == lzma.ErrFilters {
			return d.stream(buf, d.xz, src)
		}
		if err != nil {
			return nil, fmt.Errorf("xz: %w", blockErr(err))
		}
		return buf[:n], nil
	case compLZMA:
		return d.lzma(buf, src)
	case compLZO:
		n, err := lzo.Decompress(src, buf)
		if err != nil {
			return nil, fmt.Errorf("lzo: %w", err)
		}
		return buf[:n], nil
	case compLZ4:
		n, err := lz4.UncompressBlock(src, buf)
		if err != nil {
			return nil, fmt.Errorf("lz4: %w", err)
		}
		return buf[:n], nil
	case compZstd:
		if d.zd == nil {
			var err error
			d.zd, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(d.dictMax)), zstd.WithDecoderLowmem(true))
			if err != nil {
				return nil, err
			}
		}
		out, err := d.zd.DecodeAll(src, buf[:0])
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		if len(out) > max {
			return nil, errTooBig
		}
		return out, nil
	case compAuto:
		// 2.x/3.x: zlib has a checked two-byte header; anything else is
		// a vendor LZMA block.
		if inflate.IsZlib(src) {
			return zlibBlock(buf, src)
		}
		return d.lzma(buf, src)
	}
	return nil, fmt.Errorf("compressor %d", d.comp)
}

// stream runs a stream decoder over src and fills buf, refusing more.
func (d *decoder) stream(buf []byte, open func() (io.Reader, error), src []byte) ([]byte, error) {
	d.src.Reset(src)
	r, err := open()
	if err != nil {
		return nil, err
	}
	n, err := fill(r, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// fill reads r to its end into buf; a stream longer than buf is an error.
func fill(r io.Reader, buf []byte) (int, error) {
	n, idle := 0, 0
	var one [1]byte
	for idle < 100 {
		p := buf[n:]
		if len(p) == 0 {
			p = one[:]
		}
		m, err := r.Read(p)
		if m > 0 && len(buf) == n {
			return n, errTooBig
		}
		n += m
		switch {
		case err == io.EOF:
			return n, nil
		case err != nil:
			return n, err
		case m == 0:
			idle++
		}
	}
	return n, io.ErrNoProgress
}

// zlibBlock decodes a zlib block straight into buf with our whole-buffer
// decoder, which is twice as fast as a stream reader on squashfs blocks.
func zlibBlock(buf, src []byte) ([]byte, error) {
	n, err := inflate.DecodeZlib(buf, src)
	if err == inflate.ErrTooBig {
		return nil, errTooBig
	}
	if err != nil {
		return nil, fmt.Errorf("zlib: %w", err)
	}
	return buf[:n], nil
}

func (d *decoder) xz() (io.Reader, error) {
	var err error
	if d.xr == nil {
		d.xr, err = xz.NewReader(&d.src, d.dictMax)
	} else {
		err = d.xr.Reset(&d.src)
	}
	if err != nil {
		return nil, fmt.Errorf("xz: %w", err)
	}
	d.xr.Multistream(false)
	return d.xr, nil
}

// lzma decodes an lzma-alone block (what mksquashfs -comp lzma and sqlzma
// write) or, when the block starts with the range coder's zero byte, the raw
// LZMA of DD-WRT and Broadcom builds, which has no header: their encoder
// used the defaults lc=3 lp=0 pb=2 with a dictionary of the block size.
func (d *decoder) lzma(buf, src []byte) ([]byte, error) {
	var n int
	var err error
	if len(src) > 0 && src[0] == 0 {
		h := lzma.Header{Props: lzma.Props{LC: 3, LP: 0, PB: 2}, DictSize: d.blockSize, Size: -1}
		n, err = lzma.DecodeRaw(buf, src, h)
	} else {
		n, err = lzma.DecodeAlone(buf, src, d.dictMax*8)
	}
	if err != nil {
		return nil, fmt.Errorf("lzma: %w", blockErr(err))
	}
	return buf[:n], nil
}

// blockErr maps the LZMA decoder's overflow to the one every block decoder
// reports.
func blockErr(err error) error {
	if err == lzma.ErrTooBig {
		return errTooBig
	}
	return err
}
