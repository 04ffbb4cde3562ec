package inflate

import "encoding/binary"

// adler32 is the Adler-32 of p (RFC 1950 8.2). hash/adler32 adds a byte at
// a time, each step waiting for the last. This one reads eight bytes at a
// time into four 16-bit lanes per accumulator (lo: bytes 0,2,4,6; hi: bytes
// 1,3,5,7) and keeps the running sum of the words' byte sums: over n words,
// s2 grows by 8n*s1 + 8*Σ(prefix sums) - Σ j*(sum of byte j of each word).
func adler32(p []byte) uint32 {
	const (
		mod   = 65521
		lanes = 0x00FF00FF00FF00FF
	)
	s1, s2 := uint64(1), uint64(0)
	for len(p) >= 8 {
		// At most 256 words, so that a 16-bit lane (255 a word) cannot
		// overflow.
		words := p[:8*min(len(p)/8, 256)]
		p = p[len(words):]
		n := uint64(len(words))
		var lo, hi, sum, prefix uint64
		for i := 0; i+8 <= len(words); i += 8 {
			w := binary.LittleEndian.Uint64(words[i:])
			l, h := w&lanes, w>>8&lanes
			lo += l
			hi += h
			prefix += sum
			sum += (l + h) * 0x0001000100010001 >> 48
		}
		prefix += sum
		var byPos uint64 // Σ j * (sum of byte j)
		for i := range uint64(4) {
			byPos += 2*i*(lo>>(16*i)&0xFFFF) + (2*i+1)*(hi>>(16*i)&0xFFFF)
		}
		s2 = (s2 + n*s1 + 8*prefix - byPos) % mod
		s1 = (s1 + sum) % mod
	}
	for _, b := range p {
		s1 += uint64(b)
		s2 += s1
	}
	return uint32(s2%mod)<<16 | uint32(s1%mod)
}
