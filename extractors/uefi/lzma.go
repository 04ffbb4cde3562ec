package uefi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// decompressLZMA decodes an edk2 LZMA GUID-defined section: an lzma-alone
// stream (props, dictionary size, 64-bit size, data), as ulikunitz/xz/lzma
// reads it. At most limit bytes come out; the buffer grows as data arrives.
func decompressLZMA(data []byte, limit int64) ([]byte, error) {
	if len(data) < 13 {
		return nil, fmt.Errorf("header truncated")
	}
	size := binary.LittleEndian.Uint64(data[5:])
	dict := binary.LittleEndian.Uint32(data[1:])
	if size != ^uint64(0) && size > uint64(limit) {
		return nil, fmt.Errorf("%d bytes declared, over the %d-byte budget", size, limit)
	}
	// The decoder allocates the dictionary the header asks for; no match
	// reaches further back than the output is long, so a known size caps it.
	hdr := bytes.Clone(data[:13])
	switch {
	case size != ^uint64(0) && uint64(dict) > max(size, 4096):
		binary.LittleEndian.PutUint32(hdr[1:], uint32(max(size, 4096)))
	case uint64(dict) > uint64(limit):
		return nil, fmt.Errorf("dictionary of %d bytes", dict)
	}
	zr, err := lzma.NewReader(io.MultiReader(bytes.NewReader(hdr), bytes.NewReader(data[13:])))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if size != ^uint64(0) {
		// Size the buffer up front only as far as the input could plausibly
		// expand; a bigger claim grows as data really arrives.
		out.Grow(int(min(size, uint64(limit), 32*uint64(len(data)))))
	}
	n, err := io.Copy(&out, io.LimitReader(zr, limit+1))
	if n > limit {
		return out.Bytes()[:limit], fmt.Errorf("output over the %d-byte budget", limit)
	}
	return out.Bytes(), err
}

// unBCJx86 undoes the x86 branch-call-jump filter in place (the LZMA SDK's
// x86 converter, decoding, start address 0): E8/E9 operands were made
// absolute before compression and are turned back into relative ones.
func unBCJx86(b []byte) {
	test := func(c byte) bool { return c == 0 || c == 0xFF }
	if len(b) < 5 {
		return
	}
	var mask uint32
	limit := len(b) - 4
	pos := 0
	for {
		p := pos
		for p < limit && b[p]&0xFE != 0xE8 {
			p++
		}
		d := p - pos
		pos = p
		if p >= limit {
			return
		}
		if d > 2 {
			mask = 0
		} else {
			mask >>= uint(d)
			if mask != 0 && (mask > 4 || mask == 3 || test(b[p+int(mask>>1)+1])) {
				mask = (mask >> 1) | 4
				pos++
				continue
			}
		}
		if !test(b[p+4]) {
			mask = (mask >> 1) | 4
			pos++
			continue
		}
		v := binary.LittleEndian.Uint32(b[p+1:])
		cur := uint32(pos + 5)
		pos += 5
		v -= cur
		if mask != 0 {
			sh := (mask & 6) << 2
			if test(byte(v >> sh)) {
				v ^= (uint32(0x100) << sh) - 1
				v -= cur
			}
			mask = 0
		}
		b[p+1], b[p+2], b[p+3] = byte(v), byte(v>>8), byte(v>>16)
		b[p+4] = byte(0 - ((v >> 24) & 1))
	}
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
