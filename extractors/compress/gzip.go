// Package compress holds the handlers of single-stream compressors: each turns
// a compressed chunk into one nested blob that the engine scans again.
package compress

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"io/fs"

	"github.com/klauspost/compress/gzip"

	"github.com/fwstar/fwstar/extractors"
)

// Gzip handles RFC 1952 streams, including several members back to back,
// which together decompress to one file.
type Gzip struct{}

func (Gzip) Name() string { return "gzip" }

// Magics: ID1 ID2 and CM=8 (deflate), the only method in use.
func (Gzip) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x1f, 0x8b, 0x08}}}
}

var gzipSuffixes = map[string]string{".gz": "", ".tgz": ".tar", ".z": "", ".cpgz": ".cpio"}

func gzipHeaderOK(hdr []byte) bool {
	// FLG reserved bits must be zero; XFL is 0, 2 or 4; OS is 0..13 or 255.
	return hdr[0] == 0x1f && hdr[1] == 0x8b && hdr[2] == 8 && hdr[3]&0xE0 == 0 &&
		(hdr[8] == 0 || hdr[8] == 2 || hdr[8] == 4) && (hdr[9] <= 13 || hdr[9] == 255)
}

func (Gzip) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	hdr, err := extractors.ReadAt(r, off, 10, size)
	if err != nil || !gzipHeaderOK(hdr) {
		return extractors.Chunk{}, extractors.NotFormat("gzip", "bad header")
	}
	zr, err := gzip.NewReader(extractors.NewCountingReader(r, off))
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	// A few bytes of deflate data must decode: random 1f8b08 hits rarely do.
	zr.Multistream(false)
	var probe [512]byte
	if n, err := io.ReadFull(zr, probe[:]); n == 0 && err != nil && err != io.EOF {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	info := "gzip"
	if zr.Name != "" {
		info += ", name " + zr.Name
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: info,
		Attrs: map[string]string{"gzip.name": zr.Name}}, nil
}

// Extract decodes member after member. A member ends the chunk when what
// follows it is not a valid gzip header (trailing garbage or padding); a
// member that breaks is an error at the offset reached, and the members before
// it stay written.
//
// The input goes through a bufio.Reader, for which flate has a fast path (4x
// the speed of a plain io.ByteReader); flate reads no byte it does not need
// from it, so the bytes consumed are those read minus those still buffered.
func (Gzip) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	src := &offsetReader{r: r, pos: c.Start, end: -1}
	br := bufio.NewReaderSize(src, 64<<10)
	pos := func() int64 { return src.pos - int64(br.Buffered()) }
	zr, err := gzip.NewReader(br)
	if err != nil {
		return c.Start, extractors.Wrap("gzip", c.Start, err, "header")
	}
	name := outName(r, c.Start, zr.Name, "gzip.out", gzipSuffixes)
	pr, pw := io.Pipe()
	end := c.Start
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		for ctx.Err() == nil {
			zr.Multistream(false)
			if _, err = io.Copy(pw, zr); err != nil {
				err = fmtErr("gzip", pos(), err)
				break
			}
			end = pos()
			next, e := extractors.ReadAt(r, end, 10, end+10)
			if e != nil || !gzipHeaderOK(next) {
				break
			}
			if zr.Reset(br) != nil {
				break // not a member after all: the chunk ends before it
			}
		}
		if err == nil {
			err = ctx.Err()
		}
		pw.CloseWithError(err)
	}()
	err = dst.Blob(name, sizedReader{pr, gzipSizeHint(r)})
	pr.CloseWithError(io.ErrClosedPipe) // stop the decoder if the sink gave up
	<-done
	return end, err
}

// gzipSizeHint guesses the size of the blob a stream decodes to from the
// ISIZE of the gzip trailer at the end of r's blob: right when the stream runs
// to that end in one member of less than 4 GiB. The engine may start scanning
// the blob while it is written and keeps that scan only if the guess was
// right, so a wrong guess costs time, never a different result.
func gzipSizeHint(r io.ReaderAt) int64 {
	var size int64
	switch v := r.(type) {
	case interface{ Size() int64 }:
		size = v.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := v.Stat()
		if err != nil {
			return 0
		}
		size = fi.Size()
	default:
		return 0
	}
	b, err := extractors.ReadAt(r, size-4, 4, size)
	if err != nil {
		return 0
	}
	return int64(binary.LittleEndian.Uint32(b))
}

// sizedReader tells the sink how large the stream is expected to be.
type sizedReader struct {
	io.Reader
	hint int64
}

func (s sizedReader) SizeHint() int64 { return s.hint }
