package compress

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"

	"github.com/fwstar/fwstar/extractors"
)

// Zstd handles RFC 8878 frames, with the skippable frames and further frames
// that follow them. Block headers state every block's size, so the exact end
// is walked in Identify without decoding.
type Zstd struct{}

func (Zstd) Name() string { return "zstd" }

var zstdMagic = []byte{0x28, 0xB5, 0x2F, 0xFD}

var errNotFrame = errors.New("not a zstd frame")

// Magics: a chunk starts with a data frame; a lone skippable frame holds
// nothing to extract.
func (Zstd) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: zstdMagic}} }

// zstdMaxWindow caps the window (and the decoder's memory) a frame may ask
// for: zstd's own default limit for decoding is 128 MiB (--long=27).
const zstdMaxWindow = 128 << 20

// zstdFrameEnd walks the frame at off. skippable reports a skippable frame.
func zstdFrameEnd(w *window, off int64) (end int64, skippable bool, err error) {
	h, err := w.at(off, 6)
	if err != nil {
		return 0, false, err
	}
	magic := binary.LittleEndian.Uint32(h)
	if magic&0xFFFFFFF0 == 0x184D2A50 {
		return off + 8 + int64(binary.LittleEndian.Uint32(h[4:])), true, nil
	}
	if magic != 0xFD2FB528 {
		return 0, false, errNotFrame
	}
	fhd := h[4]
	if fhd&0x08 != 0 {
		return 0, false, fmt.Errorf("reserved bit set")
	}
	single := fhd&0x20 != 0
	pos := off + 5
	if !single {
		exp := h[5] >> 3
		if exp+10 > 27 { // window over 128 MiB
			return 0, false, fmt.Errorf("window 2^%d over the cap", exp+10)
		}
		pos++
	}
	pos += []int64{0, 1, 2, 4}[fhd&3]
	fcs := []int64{0, 2, 4, 8}[fhd>>6]
	if fcs == 0 && single {
		fcs = 1
	}
	pos += fcs
	for {
		b, err := w.at(pos, 3)
		if err != nil {
			return 0, false, err
		}
		bh := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		size := int64(bh >> 3)
		switch (bh >> 1) & 3 {
		case 1: // RLE: one byte stands for size bytes
			size = 1
		case 3:
			return 0, false, fmt.Errorf("reserved block type")
		}
		if size > 128<<10 {
			return 0, false, fmt.Errorf("block larger than 128 KiB")
		}
		pos += 3 + size
		if bh&1 != 0 {
			break
		}
	}
	if fhd&0x04 != 0 {
		pos += 4 // content checksum
	}
	if pos > w.size {
		return 0, false, io.ErrUnexpectedEOF
	}
	return pos, false, nil
}

// zstdEnd walks frames from off: data and skippable ones, until something
// else; it returns the end of the last complete frame.
func zstdEnd(w *window, off int64) (end int64, frames int, err error) {
	end, _, err = zstdFrameEnd(w, off)
	if err != nil {
		return 0, 0, err
	}
	frames = 1
	for {
		e, _, err := zstdFrameEnd(w, end)
		if err != nil || e > w.size {
			return end, frames, nil
		}
		end, frames = e, frames+1
	}
}

func (Zstd) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	w := newWindow(r, size)
	if _, _, err := zstdFrameEnd(w, off); err != nil && err != io.ErrUnexpectedEOF {
		return extractors.Chunk{}, extractors.NotFormat("zstd", err.Error())
	}
	end, frames, err := zstdEnd(w, off)
	if err != nil {
		// Truncated: Extract recovers what decodes.
		return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Low, Info: "zstd, truncated"}, nil
	}
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High, Info: fmt.Sprintf("zstd, %d frame(s)", frames)}, nil
}

var zstdSuffixes = map[string]string{".zst": "", ".zstd": "", ".tzst": ".tar"}

func (Zstd) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	end := c.End
	var in io.Reader
	var cr *extractors.CountingReader
	src := &offsetReader{r: r, pos: c.Start, end: end}
	if end > 0 {
		in = src
	} else {
		cr = extractors.NewCountingReader(r, c.Start)
		in = cr
	}
	zr, err := zstd.NewReader(in, zstd.WithDecoderMaxMemory(zstdMaxWindow*2), zstd.WithDecoderMaxWindow(zstdMaxWindow),
		zstd.WithDecoderConcurrency(2))
	if err != nil {
		return c.Start, fmtErr("zstd", c.Start, err)
	}
	defer zr.Close()
	pos := func() int64 {
		if cr != nil {
			return cr.N
		}
		return src.pos
	}
	err = dst.Blob(outName(r, c.Start, "", "zstd.out", zstdSuffixes), decoded{ctxReader{ctx, zr}, "zstd", pos})
	if cr != nil {
		end = cr.N
	}
	return end, err
}
