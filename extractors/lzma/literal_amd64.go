//go:build !purego

package lzma

// decodeLiteral and decodeMatched are in literal_amd64.s; literal_other.go
// has them in Go.

//go:noescape
func decodeLiteral(rng, code uint32, ip int, in []byte, p *[0x300]uint16) (uint32, uint32, int, uint32)

//go:noescape
func decodeMatched(rng, code uint32, ip int, in []byte, p *[0x300]uint16, match uint32) (uint32, uint32, int, uint32)
