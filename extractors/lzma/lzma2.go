package lzma

import "encoding/binary"

// DecodeLZMA2 decodes LZMA2 chunks (xz-file-format 5.3.1 and the LZMA2 chunk
// headers) from src into dst up to the end chunk, with a dictionary of dict
// bytes. It returns the bytes written and the bytes of src consumed; output
// beyond len(dst) is ErrTooBig.
func DecodeLZMA2(dst, src []byte, dict uint32) (n, used int, err error) {
	var d decoder
	d.win, d.dictSize = dst, int(max(dict, minDict))
	needDict, needProps := true, true
	ip := 0
	for {
		if ip >= len(src) {
			return d.pos, ip, ErrTruncated
		}
		c := src[ip]
		ip++
		if c == 0 {
			return d.pos, ip, nil
		}
		if c < 0x80 {
			// Uncompressed chunk; 1 resets the dictionary.
			if c > 2 {
				return d.pos, ip, ErrCorrupt
			}
			if ip+2 > len(src) {
				return d.pos, ip, ErrTruncated
			}
			size := int(binary.BigEndian.Uint16(src[ip:])) + 1
			ip += 2
			if c == 1 {
				d.base, needDict, needProps = d.pos, false, true
			} else if needDict {
				return d.pos, ip, ErrCorrupt
			}
			if size > len(src)-ip {
				return d.pos, ip, ErrTruncated
			}
			if size > len(dst)-d.pos {
				return d.pos, ip, ErrTooBig
			}
			d.pos += copy(dst[d.pos:], src[ip:ip+size])
			ip += size
			continue
		}
		// LZMA chunk: bits 5-6 say what it resets.
		if ip+4 > len(src) {
			return d.pos, ip, ErrTruncated
		}
		usize := int(c&0x1F)<<16 + int(binary.BigEndian.Uint16(src[ip:])) + 1
		psize := int(binary.BigEndian.Uint16(src[ip+2:])) + 1
		ip += 4
		if c >= 0xE0 {
			d.base, needDict, needProps = d.pos, false, true
		} else if needDict {
			return d.pos, ip, ErrCorrupt
		}
		switch {
		case c >= 0xC0:
			if ip >= len(src) {
				return d.pos, ip, ErrTruncated
			}
			p, err := ParseProps(src[ip])
			if err != nil || p.LC+p.LP > 4 {
				return d.pos, ip, ErrProps
			}
			ip++
			d.setProps(p)
			needProps = false
		case needProps:
			return d.pos, ip, ErrCorrupt
		case c >= 0xA0:
			d.resetState()
		}
		if psize > len(src)-ip {
			return d.pos, ip, ErrTruncated
		}
		if usize > len(dst)-d.pos {
			return d.pos, ip, ErrTooBig
		}
		if err := d.start(src[ip : ip+psize]); err != nil {
			return d.pos, ip, ErrCorrupt
		}
		end := d.pos + usize
		if err := d.run(end, end, psize); err != nil {
			return d.pos, ip, err
		}
		// The chunk ends exactly with its last symbol and its last byte.
		if d.eos || d.pos != end || d.pending != 0 || d.rc.ip != psize || d.rc.code != 0 {
			return d.pos, ip, ErrCorrupt
		}
		ip += psize
	}
}
