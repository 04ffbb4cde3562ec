// Package android handles Android image formats: sparse images (libsparse),
// whose expanded raw image is written as a blob, and boot, recovery and
// vendor_boot images (header versions 0 to 4), whose kernel, ramdisks,
// second-stage loader, DTB and DTBO are written as blobs.
package android

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// Sparse image (system/core/libsparse/sparse_format.h), little-endian:
// a 28-byte file header (magic 0xED26FF3A, version 1.0, header sizes, block
// size, total blocks, chunk count, checksum), then chunks of a 12-byte
// header (type, reserved, size in blocks, total bytes with the header).
const (
	sparseMagic    = 0xED26FF3A
	sparseHdr      = 28
	sparseChunkHdr = 12

	chunkRaw      = 0xCAC1
	chunkFill     = 0xCAC2
	chunkDontCare = 0xCAC3
	chunkCRC32    = 0xCAC4
)

type sparseHeader struct {
	FileHdr, ChunkHdr int64
	BlockSize         int64
	Blocks, Chunks    uint32
}

func parseSparse(b []byte) (sparseHeader, error) {
	le := binary.LittleEndian
	if le.Uint32(b) != sparseMagic || le.Uint16(b[4:]) != 1 {
		return sparseHeader{}, fmt.Errorf("magic or major version")
	}
	h := sparseHeader{FileHdr: int64(le.Uint16(b[8:])), ChunkHdr: int64(le.Uint16(b[10:])),
		BlockSize: int64(le.Uint32(b[12:])), Blocks: le.Uint32(b[16:]), Chunks: le.Uint32(b[20:])}
	switch {
	case h.FileHdr < sparseHdr || h.FileHdr > 1024, h.ChunkHdr < sparseChunkHdr || h.ChunkHdr > 1024:
		return h, fmt.Errorf("header sizes %d, %d", h.FileHdr, h.ChunkHdr)
	case h.BlockSize == 0 || h.BlockSize%4 != 0 || h.BlockSize > 1<<24:
		return h, fmt.Errorf("block size %d", h.BlockSize)
	}
	return h, nil
}

// Sparse handles Android sparse images.
type Sparse struct{}

func (Sparse) Name() string { return "android-sparse" }

func (Sparse) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x3A, 0xFF, 0x26, 0xED, 0x01, 0x00}}}
}

// walk visits the chunks in order, calling fn with each chunk's type, its
// data offset and length in the file, and its length in the image. It
// returns the offset past the last chunk.
func walkSparse(r io.ReaderAt, off, size int64, h sparseHeader, fn func(typ uint16, data, n, out int64) error) (int64, error) {
	pos := off + h.FileHdr
	var blocks uint64
	for i := uint32(0); i < h.Chunks; i++ {
		b, err := extractors.ReadAt(r, pos, sparseChunkHdr, size)
		if err != nil {
			return pos, extractors.Wrap("android-sparse", pos, err, "chunk %d of %d", i, h.Chunks)
		}
		le := binary.LittleEndian
		typ, nblk, total := le.Uint16(b), le.Uint32(b[4:]), int64(le.Uint32(b[8:]))
		n := total - h.ChunkHdr
		if n < 0 || n > size-pos-h.ChunkHdr {
			return pos, extractors.Errorf("android-sparse", pos, "chunk %d of %d bytes, %d left", i, total, size-pos)
		}
		out := int64(nblk) * h.BlockSize
		switch {
		case typ == chunkRaw && n != out, typ == chunkFill && n != 4, typ == chunkDontCare && n != 0, typ == chunkCRC32 && n != 4:
			return pos, extractors.Errorf("android-sparse", pos, "chunk %d type 0x%X: %d data bytes for %d blocks", i, typ, n, nblk)
		case typ < chunkRaw || typ > chunkCRC32:
			return pos, extractors.Errorf("android-sparse", pos, "chunk %d type 0x%X", i, typ)
		}
		if typ == chunkCRC32 {
			out = 0
		}
		blocks += uint64(nblk)
		if typ != chunkCRC32 && blocks > uint64(h.Blocks) {
			return pos, extractors.Errorf("android-sparse", pos, "chunks cover more than the %d blocks declared", h.Blocks)
		}
		if fn != nil {
			if err := fn(typ, pos+h.ChunkHdr, n, out); err != nil {
				return pos, err
			}
		}
		pos += h.ChunkHdr + n
	}
	return pos, nil
}

func (Sparse) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, sparseHdr, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("android-sparse", "short header")
	}
	h, err := parseSparse(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("android-sparse", err.Error())
	}
	// Walking the chunk headers is cheap: one 12-byte read per chunk.
	end, err := walkSparse(r, off, size, h, nil)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("android-sparse", err.Error())
	}
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High,
		Info: fmt.Sprintf("Android sparse image, %d chunks, %d blocks of %d bytes", h.Chunks, h.Blocks, h.BlockSize),
		Attrs: map[string]string{"sparse.block_size": fmt.Sprint(h.BlockSize), "sparse.blocks": fmt.Sprint(h.Blocks),
			"sparse.chunks": fmt.Sprint(h.Chunks)}}, nil
}

// Extract streams the expanded image into one blob, "sparse.raw".
func (Sparse) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, sparseHdr, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("android-sparse", c.Start, err, "header")
	}
	h, err := parseSparse(b)
	if err != nil {
		return c.Start, extractors.Errorf("android-sparse", c.Start, "%v", err)
	}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		var written int64
		_, err := walkSparse(r, c.Start, c.End, h, func(typ uint16, data, n, out int64) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			written += out
			switch typ {
			case chunkRaw:
				_, err := io.Copy(pw, io.NewSectionReader(r, data, n))
				return err
			case chunkFill:
				var pat [4]byte
				if _, err := r.ReadAt(pat[:], data); err != nil {
					return err
				}
				return repeat(pw, pat[:], out)
			case chunkDontCare:
				return repeat(pw, []byte{0, 0, 0, 0}, out)
			}
			return nil
		})
		// Blocks past the last chunk read as zeros.
		if rest := int64(h.Blocks)*h.BlockSize - written; err == nil && rest > 0 {
			err = repeat(pw, []byte{0, 0, 0, 0}, rest)
		}
		pw.CloseWithError(err)
	}()
	err = dst.Blob("sparse.raw", pr)
	pr.CloseWithError(io.ErrClosedPipe)
	<-done
	return c.End, err
}

// repeat writes n bytes of a 4-byte pattern.
func repeat(w io.Writer, pat []byte, n int64) error {
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = pat[i%4]
	}
	for n > 0 {
		m := min(n, int64(len(buf)))
		if _, err := w.Write(buf[:m]); err != nil {
			return err
		}
		n -= m
	}
	return nil
}
