package uefi

import (
	"encoding/binary"
	"fmt"
)

// EFI_FIRMWARE_VOLUME_HEADER (PI vol. 3, 3.2.1): the signature sits at 0x28.
const (
	fvSigOffset   = 0x28
	fvMinHeader   = 0x48  // fixed part plus one block map entry and its terminator
	fvEraseOnes   = 0x800 // EFI_FVB2_ERASE_POLARITY: erased flash reads 0xFF
	maxBlockEntry = 1024
)

type volume struct {
	FS         GUID
	Length     uint64
	Attributes uint32
	HeaderLen  uint16
	Revision   uint8
	Blocks     uint64 // bytes the block map covers
	ExtOff     int    // the extended header, 0 if none
	DataOff    int    // where the first file may start, once extHeader ran
	Erase      byte   // 0xFF or 0x00
}

// parseVolume reads a volume header at the start of b, which holds at least
// the header.
func parseVolume(b []byte) (*volume, error) {
	le := binary.LittleEndian
	if len(b) < fvMinHeader || string(b[fvSigOffset:fvSigOffset+4]) != "_FVH" {
		return nil, fmt.Errorf("no _FVH signature")
	}
	v := &volume{FS: guidAt(b[0x10:]), Length: le.Uint64(b[0x20:]), Attributes: le.Uint32(b[0x2c:]),
		HeaderLen: le.Uint16(b[0x30:]), Revision: b[0x37]}
	if v.Revision != 1 && v.Revision != 2 {
		return nil, fmt.Errorf("revision %d", v.Revision)
	}
	if v.HeaderLen < fvMinHeader || int(v.HeaderLen) > len(b) || v.HeaderLen%2 != 0 || uint64(v.HeaderLen) > v.Length {
		return nil, fmt.Errorf("header length %d", v.HeaderLen)
	}
	// The header's 16-bit words sum to zero.
	var sum uint16
	for i := 0; i < int(v.HeaderLen); i += 2 {
		sum += le.Uint16(b[i:])
	}
	if sum != 0 {
		return nil, fmt.Errorf("header checksum: words sum to 0x%04X", sum)
	}
	for i := 0x38; ; i += 8 {
		if i+8 > int(v.HeaderLen) || (i-0x38)/8 > maxBlockEntry {
			return nil, fmt.Errorf("block map without terminator")
		}
		n, l := le.Uint32(b[i:]), le.Uint32(b[i+4:])
		if n == 0 && l == 0 {
			break
		}
		v.Blocks += uint64(n) * uint64(l)
	}
	if v.Blocks != v.Length {
		return nil, fmt.Errorf("block map covers %d bytes, volume length %d", v.Blocks, v.Length)
	}
	v.Erase = 0
	if v.Attributes&fvEraseOnes != 0 {
		v.Erase = 0xFF
	}
	// EFI_FIRMWARE_VOLUME_EXT_HEADER (FvName, ExtHeaderSize) lies in the
	// data area, so extHeader checks it against the volume bytes.
	v.ExtOff = int(le.Uint16(b[0x34:]))
	return v, nil
}

// extHeader completes DataOff once the volume bytes are at hand.
func (v *volume) extHeader(b []byte) error {
	if v.ExtOff == 0 {
		v.DataOff = align(int(v.HeaderLen), 8)
		return nil
	}
	ext := v.ExtOff
	if ext < int(v.HeaderLen) || ext+20 > len(b) {
		return fmt.Errorf("extended header at 0x%X out of range", ext)
	}
	size := int(binary.LittleEndian.Uint32(b[ext+16:]))
	if size < 20 || size > len(b)-ext {
		return fmt.Errorf("extended header size %d", size)
	}
	v.DataOff = align(ext+size, 8)
	return nil
}

func align(n, a int) int { return (n + a - 1) &^ (a - 1) }
