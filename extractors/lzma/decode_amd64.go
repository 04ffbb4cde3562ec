//go:build !purego

package lzma

// decodeLiteral, decodeMatched and decodeDistance are in decode_amd64.s;
// decode_other.go has them in Go.

//go:noescape
func decodeLiteral(rng, code uint32, ip int, in []byte, p *[0x300]uint16) (uint32, uint32, int, uint32)

//go:noescape
func decodeMatched(rng, code uint32, ip int, in []byte, p *[0x300]uint16, match uint32) (uint32, uint32, int, uint32)

//go:noescape
func decodeDistance(rng, code uint32, ip int, in []byte, slot *[64]uint16, special *[115]uint16, align *[16]uint16) (uint32, uint32, int, uint32)
