package uefi

import (
	"encoding/binary"
	"fmt"
)

// EFI_FFS_FILE_HEADER and EFI_FFS_FILE_HEADER2 (PI vol. 3, 2.2.3).
const (
	ffsHeader      = 24
	ffsHeader2     = 32
	ffsLargeFile   = 0x01 // FFS_ATTRIB_LARGE_FILE: ExtendedSize follows (FFS3)
	ffsChecksumBit = 0x40 // FFS_ATTRIB_CHECKSUM: the file byte checksum is valid
	ffsFixedSum    = 0xAA // IntegrityCheck.File without FFS_ATTRIB_CHECKSUM

	// State bits; with erase polarity 1 they are stored inverted.
	stHeaderConstruction = 0x01
	stHeaderValid        = 0x02
	stDataValid          = 0x04
	stMarkedForUpdate    = 0x08
	stDeleted            = 0x10
	stHeaderInvalid      = 0x20
)

// File types that change how a file is read.
const (
	ftRaw     = 0x01 // no sections
	ftFVImage = 0x0B
	ftPad     = 0xF0
)

type ffsFile struct {
	Name       GUID
	Type       byte
	Attributes byte
	Size       int // header included
	HeaderLen  int
	State      byte // normalised to erase polarity 0
}

// parseFile reads the file header at the start of b (the rest of the
// volume). ok false with a nil error means free space: the end of files.
func parseFile(b []byte, erase byte, ffs3 bool) (f ffsFile, ok bool, err error) {
	if len(b) < ffsHeader {
		return f, false, nil
	}
	free := true
	for _, c := range b[:ffsHeader] {
		if c != erase {
			free = false
			break
		}
	}
	if free {
		return f, false, nil
	}
	f = ffsFile{Name: guidAt(b), Type: b[0x12], Attributes: b[0x13], HeaderLen: ffsHeader, State: b[0x17]}
	if erase == 0xFF {
		f.State = ^f.State
	}
	f.Size = int(b[0x14]) | int(b[0x15])<<8 | int(b[0x16])<<16
	if f.Attributes&ffsLargeFile != 0 && ffs3 {
		if len(b) < ffsHeader2 {
			return f, false, fmt.Errorf("large file header truncated")
		}
		ext := binary.LittleEndian.Uint64(b[0x18:])
		if ext > uint64(len(b)) {
			return f, false, fmt.Errorf("file %s: extended size %d, %d bytes left", f.Name, ext, len(b))
		}
		f.Size, f.HeaderLen = int(ext), ffsHeader2
	}
	if f.Size < f.HeaderLen || f.Size > len(b) {
		return f, false, fmt.Errorf("file %s: size %d, %d bytes left", f.Name, f.Size, len(b))
	}
	// Header checksum: the header bytes sum to zero with the file checksum
	// and the state counted as zero.
	var sum byte
	for i, c := range b[:f.HeaderLen] {
		if i != 0x11 && i != 0x17 {
			sum += c
		}
	}
	if sum != 0 {
		return f, false, fmt.Errorf("file %s: header checksum 0x%02X", f.Name, sum)
	}
	return f, true, nil
}

// live reports whether the file's state says its data is valid: the highest
// state bit set is DATA_VALID or MARKED_FOR_UPDATE, as the PI core decides.
func (f ffsFile) live() bool {
	s := f.State
	switch {
	case s&stHeaderInvalid != 0, s&stDeleted != 0:
		return false
	case s&stMarkedForUpdate != 0, s&stDataValid != 0:
		return true
	}
	return false
}

// dataSumOK checks IntegrityCheck.File over the file data.
func (f ffsFile) dataSumOK(b []byte) bool {
	if f.Attributes&ffsChecksumBit == 0 {
		return b[0x11] == ffsFixedSum
	}
	sum := b[0x11]
	for _, c := range b[f.HeaderLen:f.Size] {
		sum += c
	}
	return sum == 0
}
