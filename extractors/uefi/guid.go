// Package uefi handles UEFI platform firmware (PI specification, volume 3):
// firmware volumes, their FFS files and sections, compressed and GUID-defined
// sections with the nested volumes they hold, and the NVRAM variable store.
// Each PE32/TE module is written as "<file GUID>_<UI name>.efi".
package uefi

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
)

// GUID is an EFI GUID as stored: the first three fields little-endian.
type GUID [16]byte

func (g GUID) String() string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08X-%04X-%04X-%X-%X", le.Uint32(g[0:]), le.Uint16(g[4:]), le.Uint16(g[6:]), g[8:10], g[10:16])
}

func guidAt(b []byte) GUID {
	var g GUID
	copy(g[:], b)
	return g
}

// mustGUID parses a GUID in registry form, for the constants below. (Not
// with fmt.Sscanf: that cost 0.1 ms at every start of the CLI.)
func mustGUID(s string) GUID {
	var g GUID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		panic("uefi: bad GUID constant " + s)
	}
	if _, err := hex.Decode(g[:], []byte(s[0:8]+s[9:13]+s[14:18]+s[19:23]+s[24:])); err != nil {
		panic("uefi: bad GUID constant " + s)
	}
	// The first three fields are stored little-endian.
	slices.Reverse(g[0:4])
	slices.Reverse(g[4:6])
	slices.Reverse(g[6:8])
	return g
}

var (
	guidFFS2  = mustGUID("8C8CE578-8A3D-4F1C-9935-896185C32DD3") // EFI_FIRMWARE_FILE_SYSTEM2_GUID
	guidFFS3  = mustGUID("5473C07A-3DCB-4DCA-BD6F-1E9689E7349A") // EFI_FIRMWARE_FILE_SYSTEM3_GUID
	guidNVRAM = mustGUID("FFF12B8D-7696-4C8B-A985-2747075B4F50") // EFI_SYSTEM_NV_DATA_FV_GUID

	guidLZMA    = mustGUID("EE4E5898-3914-4259-9D6E-DC7BD79403CF") // LZMA_CUSTOM_DECOMPRESS_GUID
	guidLZMAF86 = mustGUID("D42AE6BD-1352-4BFB-909A-CA72A6EAE889") // LZMAF86: LZMA after an x86 BCJ filter
	guidTiano   = mustGUID("A31280AD-481E-41B6-95E8-127F4C984779") // TIANO_CUSTOM_DECOMPRESS_GUID
	guidCRC32   = mustGUID("FC1BCDB0-7D31-49AA-936A-A4600D9DD083") // EFI_CRC32_GUIDED_SECTION_EXTRACTION_GUID

	guidVarStore     = mustGUID("DDCF3616-3275-4164-98B6-FE85707FFE7D") // EFI_VARIABLE_GUID
	guidAuthVarStore = mustGUID("AAF32C78-947B-439A-A180-2E144EC37792") // EFI_AUTHENTICATED_VARIABLE_GUID
)
