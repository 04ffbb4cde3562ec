package compress

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sync"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/lzma"
)

// LZMA handles lzma-alone streams (.lzma, and the raw LZMA kernels behind
// vendor headers): a 13-byte header (properties, dictionary size, size or -1)
// and no end but the one decoding finds.
type LZMA struct{}

func (LZMA) Name() string { return "lzma" }

// lzmaProps are the properties bytes in use: 0x5D (lc=3 lp=0 pb=2, every
// default) and 0x6D (lc=1 lp=2 pb=2, OpenWrt's and TP-Link's kernels).
var lzmaProps = []byte{0x5D, 0x6D}

// Magics: properties plus a power-of-two dictionary from 64 KiB to 64 MiB,
// which is what lzma(1) presets and firmware build tools write.
func (LZMA) Magics() []extractors.Magic {
	var ms []extractors.Magic
	for _, p := range lzmaProps {
		for s := 16; s <= 26; s++ {
			b := []byte{p, 0, 0, 0, 0}
			binary.LittleEndian.PutUint32(b[1:], 1<<s)
			ms = append(ms, extractors.Magic{Bytes: b})
		}
	}
	return ms
}

// lzmaMaxSize bounds a stated uncompressed size: nothing in firmware comes
// near 16 GiB, and a random header rarely states less.
const lzmaMaxSize = 16 << 30

// probeDict is the dictionary Identify decodes with: the first KBs of output
// cannot refer further back than themselves, so a small one suffices and a
// hostile header costs nothing.
const probeDict = 1 << 16

func lzmaHeader(r io.ReaderAt, off, size int64) ([]byte, int64, error) {
	h, err := extractors.ReadAt(r, off, 13, size)
	if err != nil {
		return nil, 0, extractors.NotFormat("lzma", "short header")
	}
	if h[0] >= 9*5*5 {
		return nil, 0, extractors.NotFormat("lzma", "bad properties")
	}
	usize := int64(binary.LittleEndian.Uint64(h[5:]))
	if usize != -1 && (usize <= 0 || usize > lzmaMaxSize) {
		return nil, 0, extractors.NotFormat("lzma", "implausible size")
	}
	return h, usize, nil
}

// probeReaders keep their buffers from probe to probe.
var probeReaders = sync.Pool{New: func() any { return new(lzma.Reader) }}

func (LZMA) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	h, usize, err := lzmaHeader(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	dict := binary.LittleEndian.Uint32(h[1:])
	ph := bytes.Clone(h)
	binary.LittleEndian.PutUint32(ph[1:], probeDict)
	zr := probeReaders.Get().(*lzma.Reader)
	defer probeReaders.Put(zr)
	if err := zr.Reset(io.MultiReader(bytes.NewReader(ph), extractors.NewCountingReader(r, off+13)), probeDict); err != nil {
		return extractors.Chunk{}, extractors.NotFormat("lzma", err.Error())
	}
	// The first 64 KiB of output must decode cleanly (all of a stream that
	// states a smaller size, its end included), and give at least 4 KiB.
	const probeOut = 1 << 16
	var n int64
	if usize >= 0 && usize <= probeOut {
		n, err = io.Copy(io.Discard, zr)
		if err == nil && n != usize {
			err = io.ErrUnexpectedEOF
		}
	} else if n, err = io.CopyN(io.Discard, zr, probeOut); err == io.EOF && usize < 0 {
		err = nil
	}
	if err != nil || n < min(4096, max(usize, 0)) || (usize < 0 && n < 4096) {
		return extractors.Chunk{}, extractors.NotFormat("lzma", fmt.Sprint("probe decode: ", err))
	}
	info := fmt.Sprintf("lzma, dictionary %d KiB", dict>>10)
	if usize >= 0 {
		info += fmt.Sprintf(", %d bytes", usize)
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: info,
		Attrs: map[string]string{"lzma.size": fmt.Sprint(usize)}}, nil
}

var lzmaSuffixes = map[string]string{".lzma": "", ".tlz": ".tar"}

// Extract decodes with our LZMA decoder (extractors/lzma, several times
// faster than the served ones); lzma-alone has no length field, so the bytes
// the range decoder consumed are the chunk.
func (LZMA) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	cr := extractors.NewCountingReader(r, c.Start)
	zr, err := lzma.NewReader(cr, dictMax)
	if err != nil {
		return c.Start, fmtErr("lzma", c.Start, err)
	}
	pos := func() int64 { return c.Start + zr.InputOffset() }
	err = dst.Blob(outName(r, c.Start, "", "lzma.out", lzmaSuffixes), decoded{ctxReader{ctx, zr}, "lzma", pos})
	return pos(), err
}
