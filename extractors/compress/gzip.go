// Package compress holds the handlers of single-stream compressors: each turns
// a compressed chunk into one nested blob that the engine scans again.
package compress

import (
	"bufio"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"io/fs"

	"github.com/klauspost/compress/gzip"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/inflate"
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
	data, name, err := gzipMember(r, off)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	// A few bytes of deflate data must decode: random 1f8b08 hits rarely do.
	// The probe decodes at most 512 bytes from at most 4 KiB of input: a
	// stream that fills the probe, or runs past the input read, is fine so
	// far; one that breaks before its first byte out is not gzip.
	const probeIn = 4 << 10
	in := make([]byte, max(0, min(probeIn, size-data)))
	m, _ := r.ReadAt(in, data)
	var probe [512]byte
	n, _, err := inflate.Decode(probe[:], in[:m])
	if n == 0 && err != nil && err != inflate.ErrTooBig && !(err == inflate.ErrTruncated && m == probeIn) {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	info := "gzip"
	if name != "" {
		info += ", name " + name
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: info,
		Attrs: map[string]string{"gzip.name": name}}, nil
}

// Extract decodes member after member. A member ends the chunk when what
// follows it is not a valid gzip header (trailing garbage or padding); a
// member that breaks is an error at the offset reached, and the members before
// it stay written.
//
// The deflate data goes through our inflate.Reader (2.5 times the speed of
// klauspost's flate); it tells the exact bytes each member's data takes, so
// the trailer and the next member are read by offset.
func (Gzip) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	data, stored, err := gzipMember(r, c.Start)
	if err != nil {
		return c.Start, extractors.Wrap("gzip", c.Start, err, "header")
	}
	name := outName(r, c.Start, stored, "gzip.out", gzipSuffixes)
	pr, pw := io.Pipe()
	end := c.Start
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		zr := inflate.NewReader(nil)
		for ctx.Err() == nil {
			var next int64
			if next, err = gzipData(r, data, zr, pw); err != nil {
				break
			}
			end = next
			hdr, e := extractors.ReadAt(r, end, 10, end+10)
			if e != nil || !gzipHeaderOK(hdr) {
				break
			}
			if data, _, e = gzipMember(r, end); e != nil {
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

// gzipData decodes the deflate data of a member at off to w and checks the
// trailer's CRC-32 and ISIZE (the size mod 2^32), as gzip does. It returns
// where the member ends.
func gzipData(r io.ReaderAt, off int64, zr *inflate.Reader, w io.Writer) (int64, error) {
	src := &offsetReader{r: r, pos: off, end: -1}
	zr.Reset(src)
	cw := crcWriter{w: w}
	_, err := zr.WriteTo(&cw)
	switch err {
	case nil:
	case inflate.ErrTruncated:
		return 0, fmtErr("gzip", src.pos, io.ErrUnexpectedEOF) // all input read, as klauspost's flate reports it
	default:
		return 0, fmtErr("gzip", off+zr.Consumed(), err)
	}
	pos := off + zr.Consumed()
	var trailer [8]byte
	if n, _ := r.ReadAt(trailer[:], pos); n < len(trailer) {
		return 0, fmtErr("gzip", pos+int64(n), io.ErrUnexpectedEOF)
	}
	if binary.LittleEndian.Uint32(trailer[:]) != cw.crc || binary.LittleEndian.Uint32(trailer[4:]) != uint32(cw.size) {
		return 0, fmtErr("gzip", pos+8, gzip.ErrChecksum)
	}
	return pos + 8, nil
}

// crcWriter passes a member's output on and keeps its CRC-32 and size.
type crcWriter struct {
	w    io.Writer
	crc  uint32
	size int64
}

func (c *crcWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	c.size += int64(n)
	return n, err
}

// gzipMember reads the member header at off (RFC 1952 2.3): the fixed ten
// bytes, then the fields FLG announces. It returns where the deflate data
// starts and FNAME (Latin-1, as UTF-8). Errors are those klauspost's gzip
// reader gives the same header: gzip.ErrHeader for a bad ID, CM, FHCRC or
// reserved flag, or a name or comment of 512 bytes or more without its NUL;
// io.EOF or io.ErrUnexpectedEOF when the input ends.
func gzipMember(r io.ReaderAt, off int64) (int64, string, error) {
	src := &offsetReader{r: r, pos: off, end: -1}
	br := bufio.NewReaderSize(src, 1024)
	var hdr [10]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return 0, "", err
	}
	if hdr[0] != 0x1f || hdr[1] != 0x8b || hdr[2] != 8 {
		return 0, "", gzip.ErrHeader
	}
	flg := hdr[3]
	crc := crc32.ChecksumIEEE(hdr[:])
	if flg&4 != 0 { // FEXTRA: XLEN, then XLEN bytes
		var xlen [2]byte
		if _, err := io.ReadFull(br, xlen[:]); err != nil {
			return 0, "", noEOF(err)
		}
		crc = crc32.Update(crc, crc32.IEEETable, xlen[:])
		cr := &crcReader{r: br, crc: crc}
		if _, err := io.CopyN(io.Discard, cr, int64(binary.LittleEndian.Uint16(xlen[:]))); err != nil {
			return 0, "", noEOF(err)
		}
		crc = cr.crc
	}
	var name string
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT: NUL-terminated Latin-1
		if flg&f == 0 {
			continue
		}
		s, err := br.ReadSlice(0)
		if err == bufio.ErrBufferFull || len(s) > 512 {
			return 0, "", gzip.ErrHeader
		}
		if err != nil {
			return 0, "", noEOF(err)
		}
		crc = crc32.Update(crc, crc32.IEEETable, s)
		if f == 8 {
			name = latin1(s[:len(s)-1])
		}
	}
	if flg&2 != 0 { // FHCRC: the low 16 bits of the header's CRC-32
		var hcrc [2]byte
		if _, err := io.ReadFull(br, hcrc[:]); err != nil {
			return 0, "", noEOF(err)
		}
		if binary.LittleEndian.Uint16(hcrc[:]) != uint16(crc) {
			return 0, "", gzip.ErrHeader
		}
	}
	if flg&0xE0 != 0 { // reserved
		return 0, "", gzip.ErrHeader
	}
	return src.pos - int64(br.Buffered()), name, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// latin1 decodes ISO 8859-1 bytes, whose byte values are their code points.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// crcReader keeps the CRC-32 of what it reads.
type crcReader struct {
	r   io.Reader
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
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
