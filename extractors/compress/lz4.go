package compress

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/pierrec/lz4/v4"

	"github.com/fwstar/fwstar/extractors"
)

// LZ4 handles the LZ4 frame format and the legacy format that `lz4 -l` writes
// and Linux uses for lz4 initramfs and kernels.
type LZ4 struct{}

func (LZ4) Name() string { return "lz4" }

var (
	lz4FrameMagic  = []byte{0x04, 0x22, 0x4D, 0x18}
	lz4LegacyMagic = []byte{0x02, 0x21, 0x4C, 0x18}
)

func (LZ4) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: lz4FrameMagic}, {Bytes: lz4LegacyMagic}}
}

// Legacy blocks decode to 8 MiB each, the last one to less.
const (
	lz4LegacyBlock = 8 << 20
	lz4LegacyBound = lz4LegacyBlock + lz4LegacyBlock/255 + 16 // LZ4_compressBound
)

// lz4FrameEnd walks the frame at off: descriptor, blocks up to the end
// mark, checksums.
func lz4FrameEnd(w *window, off int64) (int64, error) {
	h, err := w.at(off, 7)
	if err != nil {
		return 0, err
	}
	flg, bd := h[4], h[5]
	if flg>>6 != 1 || flg&0x02 != 0 || bd&0x8F != 0 || bd>>4 < 4 {
		return 0, fmt.Errorf("bad frame descriptor")
	}
	maxBlock := int64(1) << (8 + 2*(bd>>4)) // 64 KiB, 256 KiB, 1 MiB, 4 MiB
	pos := off + 7
	if flg&0x08 != 0 {
		pos += 8
	}
	if flg&0x01 != 0 {
		pos += 4
	}
	for {
		b, err := w.at(pos, 4)
		if err != nil {
			return 0, err
		}
		v := binary.LittleEndian.Uint32(b)
		pos += 4
		if v == 0 {
			break
		}
		size := int64(v & 0x7FFFFFFF)
		if size > maxBlock {
			return 0, fmt.Errorf("block of %d bytes over the frame's %d", size, maxBlock)
		}
		pos += size
		if flg&0x10 != 0 {
			pos += 4
		}
	}
	if flg&0x04 != 0 {
		pos += 4
	}
	if pos > w.size {
		return 0, io.ErrUnexpectedEOF
	}
	return pos, nil
}

func (LZ4) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	w := newWindow(r, size)
	h, err := w.at(off, 9)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("lz4", "short")
	}
	if h[0] == 0x02 { // legacy
		n := binary.LittleEndian.Uint32(h[4:])
		// The first sequence of a block cannot copy from nothing: it starts with literals.
		if n == 0 || n > lz4LegacyBound || int64(n) > size-off-8 || h[8]>>4 == 0 {
			return extractors.Chunk{}, extractors.NotFormat("lz4", "bad legacy block")
		}
		return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: "lz4 legacy"}, nil
	}
	end, err := lz4FrameEnd(w, off)
	if err == io.ErrUnexpectedEOF {
		return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Low, Info: "lz4 frame, truncated"}, nil
	}
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("lz4", err.Error())
	}
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High, Info: "lz4 frame"}, nil
}

var lz4Suffixes = map[string]string{".lz4": ""}

func (LZ4) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	name := outName(r, c.Start, "", "lz4.out", lz4Suffixes)
	if c.End < 0 {
		if h, err := extractors.ReadAt(r, c.Start, 4, c.Start+4); err == nil && h[0] == 0x02 {
			lr := &lz4Legacy{r: r, pos: c.Start + 4}
			err := dst.Blob(name, decoded{ctxReader{ctx, lr}, "lz4", func() int64 { return lr.pos }})
			return lr.pos, err
		}
		cr := extractors.NewCountingReader(r, c.Start)
		err := dst.Blob(name, decoded{ctxReader{ctx, lz4.NewReader(cr)}, "lz4", func() int64 { return cr.N }})
		return cr.N, err
	}
	in := &offsetReader{r: r, pos: c.Start, end: c.End}
	err := dst.Blob(name, decoded{ctxReader{ctx, lz4.NewReader(in)}, "lz4", func() int64 { return in.pos }})
	return c.End, err
}

// lz4Legacy decodes legacy blocks one at a time. pierrec/lz4 reads the format
// too, but cannot say where the stream ended when data follows it; here every
// block but the last decodes to exactly 8 MiB, and that marks the end.
type lz4Legacy struct {
	r        io.ReaderAt
	pos      int64 // offset of the next block's size field
	src, out []byte
	left     []byte // decoded, not yet read
	done     bool
}

func (l *lz4Legacy) Read(p []byte) (int, error) {
	for len(l.left) == 0 {
		if l.done {
			return 0, io.EOF
		}
		if err := l.block(); err != nil {
			return 0, err
		}
	}
	n := copy(p, l.left)
	l.left = l.left[n:]
	return n, nil
}

func (l *lz4Legacy) block() error {
	var hb [4]byte
	if n, _ := l.r.ReadAt(hb[:], l.pos); n < 4 {
		l.done = true // the input ends after a full block
		return nil
	}
	size := binary.LittleEndian.Uint32(hb[:])
	if size == 0 || size > lz4LegacyBound || size == binary.LittleEndian.Uint32(lz4LegacyMagic) {
		l.done = true // what follows is not a block: the stream ended
		return nil
	}
	if l.out == nil {
		l.out = make([]byte, lz4LegacyBlock)
	}
	if cap(l.src) < int(size) {
		l.src = make([]byte, size)
	}
	src := l.src[:size]
	if n, err := l.r.ReadAt(src, l.pos+4); n < len(src) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return extractors.Wrap("lz4", l.pos, err, "legacy block of %d bytes", size)
	}
	n, err := lz4.UncompressBlock(src, l.out)
	if err != nil {
		return extractors.Wrap("lz4", l.pos, err, "legacy block")
	}
	l.pos += 4 + int64(size)
	l.left = l.out[:n]
	l.done = n < lz4LegacyBlock
	return nil
}
