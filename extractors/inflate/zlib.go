package inflate

import "encoding/binary"

// DecodeZlib decompresses the zlib stream (RFC 1950) at the start of src
// into dst and verifies its Adler-32; it returns the bytes written. Streams
// that need a preset dictionary are refused.
func DecodeZlib(dst, src []byte) (int, error) {
	if len(src) < 2 {
		return 0, ErrTruncated
	}
	if !IsZlib(src) {
		return 0, ErrHeader
	}
	if src[1]&0x20 != 0 {
		return 0, ErrDictionary
	}
	n, end, err := Decode(dst, src[2:])
	if err != nil {
		return n, err
	}
	sum := src[2+end:]
	if len(sum) < 4 {
		return n, ErrTruncated
	}
	if binary.BigEndian.Uint32(sum) != adler32(dst[:n]) {
		return n, ErrChecksum
	}
	return n, nil
}

// IsZlib reports whether b starts with a zlib header (RFC 1950): deflate,
// a window of at most 32 KiB and a valid check of the two bytes. Squashfs
// 2.x/3.x tells its zlib blocks from vendor LZMA ones by it.
func IsZlib(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0F == 8 && b[0]>>4 <= 7 && binary.BigEndian.Uint16(b)%31 == 0
}
