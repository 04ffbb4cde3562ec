package uefi

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"
)

// Section types (PI vol. 3, 2.1.5).
const (
	secCompression = 0x01
	secGUIDDefined = 0x02
	secDisposable  = 0x03
	secPE32        = 0x10
	secPIC         = 0x11
	secTE          = 0x12
	secDXEDepex    = 0x13
	secVersion     = 0x14
	secUI          = 0x15
	secCompat16    = 0x16
	secFVImage     = 0x17
	secFreeformSub = 0x18
	secRaw         = 0x19
	secPEIDepex    = 0x1B
	secMMDepex     = 0x1C

	guidedProcessingRequired = 0x01
)

type section struct {
	Type byte
	Size int    // header included
	Body []byte // after the common header
}

// parseSection reads the section at the start of b: EFI_COMMON_SECTION_HEADER,
// or EFI_COMMON_SECTION_HEADER2 when the 24-bit size is 0xFFFFFF.
func parseSection(b []byte) (section, error) {
	if len(b) < 4 {
		return section{}, fmt.Errorf("section header truncated")
	}
	s := section{Type: b[3], Size: int(b[0]) | int(b[1])<<8 | int(b[2])<<16}
	hdr := 4
	if s.Size == 0xFFFFFF {
		if len(b) < 8 {
			return s, fmt.Errorf("section header2 truncated")
		}
		s.Size, hdr = int(binary.LittleEndian.Uint32(b[4:])), 8
	}
	if s.Size < hdr || s.Size > len(b) {
		return s, fmt.Errorf("section type 0x%02X size %d, %d bytes left", s.Type, s.Size, len(b))
	}
	s.Body = b[hdr:s.Size]
	return s, nil
}

// ucs2 decodes a NUL-terminated UCS-2 string (UI and VERSION sections).
func ucs2(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
