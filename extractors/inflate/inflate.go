// Package inflate decodes whole DEFLATE (RFC 1951) and zlib (RFC 1950)
// buffers whose compressed bytes are all in memory and whose output has a
// known bound: the independent blocks of squashfs, cramfs, JFFS2 and UBIFS.
//
// It exists for speed: the served stream decoders (compress/flate and
// klauspost/compress/flate) read a byte at a time through an io.ByteReader
// into a 32 KiB sliding window and copy out of it, which made zlib blocks
// cost more than the C tools. Knowing both buffers up front, this decoder
// writes output straight into dst (matches copy from dst itself), refills a
// 64-bit bit buffer eight bytes at a time, decodes Huffman codes with one
// table look-up (a sub-table for the rare long codes), and runs a loop free
// of end checks while enough input and output room remain; a careful slow
// loop handles the ends.
//
// Reader runs the same loops on a stream (gzip's): its input through a
// buffer, its output through a window that keeps 32 KiB of history; a block
// that reaches either end is resumed where it stopped.
//
// Hostile input: output never passes len(dst), input is never read past
// len(src), code sets are checked as zlib checks them (over-subscribed or
// incomplete sets are refused, but for a single one-bit code), every
// distance is checked against the output so far, and each loop iteration
// consumes input or writes output, so work is bounded by len(src)+len(dst).
package inflate

import "errors"

var (
	// ErrTooBig is a stream that decodes to more than len(dst) bytes.
	ErrTooBig = errors.New("inflate: output exceeds its bound")
	// ErrCorrupt is a stream that breaks the format.
	ErrCorrupt = errors.New("inflate: corrupt stream")
	// ErrTruncated is a stream that ends before its final block does.
	ErrTruncated = errors.New("inflate: truncated stream")
	// ErrHeader is a zlib header that is not CM=8, CINFO<=7 with a valid
	// FCHECK.
	ErrHeader = errors.New("inflate: bad zlib header")
	// ErrDictionary is a zlib stream that needs a preset dictionary.
	ErrDictionary = errors.New("inflate: zlib preset dictionary not supported")
	// ErrChecksum is a zlib stream whose Adler-32 does not match its data.
	ErrChecksum = errors.New("inflate: zlib checksum mismatch")
)

// Decode decompresses the raw DEFLATE stream at the start of src into dst.
// It returns the bytes written, n, and the bytes of src consumed up to the
// final block's last byte, end. dst[n:] may be overwritten.
func Decode(dst, src []byte) (n int, end int, err error) {
	var d decoder
	d.src, d.dst = src, dst
	err = d.run()
	return d.out, d.in - int(d.nb>>3), err
}
