package compress

import (
	"context"
	"fmt"
	"io"

	"github.com/therootcompany/xz"

	"github.com/fwstar/fwstar/extractors"
)

// DictMax caps the LZMA/LZMA2 dictionary a stream may ask for: 128 MiB is
// twice what `xz -9` and `lzma -9` use (64 MiB), so every real stream fits,
// and two workers decoding hostile headers cannot take more than 256 MiB.
const DictMax = 128 << 20

// dictMax is DictMax; fuzz targets lower it so that each run stays fast.
var dictMax uint32 = DictMax

// XZ handles .xz streams, concatenated streams and stream padding. It decodes
// with therootcompany/xz (XZ Embedded in Go), which supports the BCJ filters
// (x86, ARM, ARM-Thumb, PowerPC, SPARC, IA-64) and delta that kernels and
// OpenWrt images use; ulikunitz/xz refuses filter chains.
type XZ struct{}

func (XZ) Name() string { return "xz" }

func (XZ) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: xzMagic}} }

// Identify checks the header's CRC32 and walks the stream to its footer,
// which validates every block header, the index and the footer by CRC32:
// stronger than decoding a few bytes, and it allocates nothing. A stream cut
// short keeps End -1 so that Extract recovers what decodes.
func (XZ) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	w := newWindow(r, size)
	check, err := xzHeader(w, off)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("xz", "bad stream header")
	}
	c := extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: "xz, truncated or damaged",
		Attrs: map[string]string{"xz.check": fmt.Sprint(check)}}
	if end, streams, blocks, err := xzEnd(w, off); err == nil {
		c.End, c.Confidence = end, extractors.High
		c.Info = fmt.Sprintf("xz, %d stream(s), %d block(s)", streams, blocks)
	}
	return c, nil
}

var xzSuffixes = map[string]string{".xz": "", ".txz": ".tar"}

func (XZ) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	end := c.End
	var in io.Reader
	var cr *extractors.CountingReader
	src := &offsetReader{r: r, pos: c.Start, end: end}
	if end > 0 {
		in = src
	} else {
		// Damaged: decode what is there; the chunk runs as far as the decoder read.
		cr = extractors.NewCountingReader(r, c.Start)
		in = cr
	}
	pos := func() int64 {
		if cr != nil {
			return cr.N
		}
		return src.pos
	}
	zr, err := xz.NewReader(in, dictMax)
	if err != nil {
		return c.Start, fmtErr("xz", c.Start, err)
	}
	err = dst.Blob(outName(r, c.Start, "", "xz.out", xzSuffixes), decoded{ctxReader{ctx, zr}, "xz", pos})
	if cr != nil {
		end = cr.N
	}
	return end, err
}

// ctxReader stops a decode when the handler's deadline passes.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
