// Package lzma decodes LZMA (lzma-alone headers and headerless raw streams),
// LZMA2 chunk streams, and xz blocks whose only filter is LZMA2, written from
// the LZMA SDK's lzma-specification.txt and the .xz file format 1.2.0 spec.
//
// It exists for speed: the served pure-Go decoders (ulikunitz/xz, and the XZ
// Embedded ports therootcompany/xz and mikelolasagasti/xz) decode 2-4 times
// slower than liblzma and were most of fwstar's CPU time on squashfs-xz
// firmware. This one keeps the range coder and probabilities in one struct
// with fixed arrays, reads input from a []byte, and decodes straight into the
// caller's output buffer when the output bound is known (squashfs blocks);
// streams go through a sliding window that grows as output arrives.
//
// Hostile input: the dictionary is capped by the caller, output never passes
// the buffer it is given, every distance is checked against the history, and
// a damaged stream is an error (never a panic or an endless loop).
package lzma

import "errors"

var (
	// ErrTooBig is a stream that decodes to more than its buffer holds.
	ErrTooBig = errors.New("lzma: output exceeds its bound")
	// ErrCorrupt is a stream that breaks the format.
	ErrCorrupt = errors.New("lzma: corrupt stream")
	// ErrTruncated is a stream that ends before its end.
	ErrTruncated = errors.New("lzma: truncated stream")
	// ErrDict is a dictionary larger than the caller allows.
	ErrDict = errors.New("lzma: dictionary size above the limit")
	// ErrProps is a properties byte out of range.
	ErrProps = errors.New("lzma: bad properties")
)

// minDict is the smallest dictionary a decoder uses (LZMA_DIC_MIN in the spec).
const minDict = 1 << 12

// Props are the literal context bits, literal position bits and position bits.
type Props struct{ LC, LP, PB uint }

// ParseProps splits a properties byte, (pb*5+lp)*9+lc.
func ParseProps(b byte) (Props, error) {
	if b >= 9*5*5 {
		return Props{}, ErrProps
	}
	return Props{LC: uint(b % 9), LP: uint(b / 9 % 5), PB: uint(b / 45)}, nil
}
