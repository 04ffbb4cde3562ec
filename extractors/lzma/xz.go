package lzma

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"hash/crc64"
)

// ErrFilters is an xz block with filters besides LZMA2 (BCJ, delta), which
// DecodeXZ leaves to a full xz decoder.
var ErrFilters = errors.New("xz: filters other than LZMA2")

var (
	xzMagic    = []byte{0xFD, '7', 'z', 'X', 'Z', 0}
	xzFooter   = []byte{'Y', 'Z'}
	crc64Table = crc64.MakeTable(crc64.ECMA)
	errXZ      = errors.New("xz: bad stream structure")
	errXZCheck = errors.New("xz: check mismatch")
)

// DecodeXZ decodes one .xz stream (xz-file-format-1.2.0) held in src into dst,
// as squashfs stores its xz blocks: every header, the index and the footer are
// checked, and so is each block's CRC32, CRC64 or SHA-256. dictMax caps the
// LZMA2 dictionary. Blocks with BCJ or delta filters are ErrFilters.
func DecodeXZ(dst, src []byte, dictMax uint32) (int, error) {
	if len(src) < 12 || !bytes.Equal(src[:6], xzMagic) || src[6] != 0 || src[7] > 0x0F ||
		crc32.ChecksumIEEE(src[6:8]) != binary.LittleEndian.Uint32(src[8:]) {
		return 0, errXZ
	}
	check := src[7]
	checkSize := 0
	if check != 0 {
		checkSize = 4 << ((check - 1) / 3)
	}
	type record struct{ unpadded, size uint64 }
	var recs []record
	n, ip := 0, 12
	for {
		if ip >= len(src) {
			return n, ErrTruncated
		}
		if src[ip] == 0 {
			break // the index
		}
		hsize := (int(src[ip]) + 1) * 4
		if hsize > len(src)-ip {
			return n, ErrTruncated
		}
		hdr := src[ip : ip+hsize]
		if crc32.ChecksumIEEE(hdr[:hsize-4]) != binary.LittleEndian.Uint32(hdr[hsize-4:]) {
			return n, errXZ
		}
		dict, csize, usize, err := xzBlockHeader(hdr[:hsize-4])
		if err != nil {
			return n, err
		}
		if dict > dictMax {
			return n, ErrDict
		}
		out, used, err := DecodeLZMA2(dst[n:], src[ip+hsize:], dict)
		if err != nil {
			return n + out, err
		}
		if (csize >= 0 && csize != int64(used)) || (usize >= 0 && usize != int64(out)) {
			return n + out, errXZ
		}
		body := dst[n : n+out]
		n += out
		ip += hsize + used
		for pad := hsize + used; pad%4 != 0; pad++ {
			if ip >= len(src) || src[ip] != 0 {
				return n, errXZ
			}
			ip++
		}
		if checkSize > len(src)-ip {
			return n, ErrTruncated
		}
		if !xzCheck(check, body, src[ip:ip+checkSize]) {
			return n, errXZCheck
		}
		ip += checkSize
		recs = append(recs, record{uint64(hsize + used + checkSize), uint64(out)})
	}
	// Index: indicator, record count, records, padding, CRC32.
	idx := ip
	ip++
	count, err := uvarint(src, &ip)
	if err != nil || count != uint64(len(recs)) {
		return n, errXZ
	}
	for _, r := range recs {
		u, err1 := uvarint(src, &ip)
		s, err2 := uvarint(src, &ip)
		if err1 != nil || err2 != nil || u != r.unpadded || s != r.size {
			return n, errXZ
		}
	}
	for ; (ip-idx)%4 != 0; ip++ {
		if ip >= len(src) || src[ip] != 0 {
			return n, errXZ
		}
	}
	if len(src)-ip < 4+12 || crc32.ChecksumIEEE(src[idx:ip]) != binary.LittleEndian.Uint32(src[ip:]) {
		return n, errXZ
	}
	ip += 4
	// Footer: CRC32, backward size, the header's flags, "YZ".
	f := src[ip : ip+12]
	if crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f) ||
		int64(binary.LittleEndian.Uint32(f[4:])+1)*4 != int64(ip-4-idx+4) ||
		!bytes.Equal(f[8:10], src[6:8]) || !bytes.Equal(f[10:], xzFooter) {
		return n, errXZ
	}
	return n, nil
}

// uvarint reads an xz multibyte integer (at most 9 bytes, minimally encoded).
func uvarint(b []byte, ip *int) (uint64, error) {
	var v uint64
	for i := 0; i < 9; i++ {
		if *ip >= len(b) {
			return 0, ErrTruncated
		}
		c := b[*ip]
		*ip++
		v |= uint64(c&0x7F) << (7 * i)
		if c&0x80 == 0 {
			if c == 0 && i > 0 {
				return 0, errXZ
			}
			return v, nil
		}
	}
	return 0, errXZ
}

// xzBlockHeader parses a block header (without its CRC32) whose only filter
// must be LZMA2, and returns the dictionary size and the stated compressed
// and uncompressed sizes (-1 when absent).
func xzBlockHeader(h []byte) (dict uint32, csize, usize int64, err error) {
	flags := h[1]
	if flags&0x3C != 0 {
		return 0, 0, 0, errXZ
	}
	ip := 2
	csize, usize = -1, -1
	if flags&0x40 != 0 {
		v, err := uvarint(h, &ip)
		if err != nil || v == 0 || v > 1<<62 {
			return 0, 0, 0, errXZ
		}
		csize = int64(v)
	}
	if flags&0x80 != 0 {
		v, err := uvarint(h, &ip)
		if err != nil || v > 1<<62 {
			return 0, 0, 0, errXZ
		}
		usize = int64(v)
	}
	if flags&3 != 0 {
		return 0, 0, 0, ErrFilters
	}
	id, err1 := uvarint(h, &ip)
	psize, err2 := uvarint(h, &ip)
	if err1 != nil || err2 != nil {
		return 0, 0, 0, errXZ
	}
	if id != 0x21 {
		return 0, 0, 0, ErrFilters
	}
	if psize != 1 || ip >= len(h) || h[ip] > 40 {
		return 0, 0, 0, errXZ
	}
	bits := uint32(h[ip])
	ip++
	dict = 0xFFFFFFFF
	if bits < 40 {
		dict = (2 | bits&1) << (bits/2 + 11)
	}
	for ; ip < len(h); ip++ {
		if h[ip] != 0 {
			return 0, 0, 0, errXZ
		}
	}
	return dict, csize, usize, nil
}

// xzCheck verifies a block's check field; unknown check types pass.
func xzCheck(id byte, data, sum []byte) bool {
	switch id {
	case 1:
		return crc32.ChecksumIEEE(data) == binary.LittleEndian.Uint32(sum)
	case 4:
		return crc64.Checksum(data, crc64Table) == binary.LittleEndian.Uint64(sum)
	case 10:
		h := sha256.Sum256(data)
		return bytes.Equal(h[:], sum)
	}
	return true
}
