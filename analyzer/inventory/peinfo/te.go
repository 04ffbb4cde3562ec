package peinfo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// TE image header (UEFI PI specification, volume 1, "TE Image Format"):
// EFI_TE_IMAGE_HEADER is 40 bytes, little endian, followed by the PE
// section headers.
const (
	teHeaderSize  = 40
	teSectionSize = 40
)

// IsTE tells whether b starts with a plausible TE header.
func IsTE(b []byte) bool {
	_, err := parseTE(b, -1)
	return err == nil
}

// ParseTE reads a TE image's header and section table.
func ParseTE(r io.ReaderAt, size int64) (*Info, error) {
	b := make([]byte, min(size, teHeaderSize+96*teSectionSize))
	n, err := r.ReadAt(b, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	return parseTE(b[:n], size)
}

func parseTE(b []byte, size int64) (*Info, error) {
	if len(b) < teHeaderSize || b[0] != 'V' || b[1] != 'Z' {
		return nil, errors.New("te: no VZ signature")
	}
	machine := binary.LittleEndian.Uint16(b[2:])
	nsec := int(b[4])
	sub := uint16(b[5])
	stripped := int64(binary.LittleEndian.Uint16(b[6:]))
	if _, ok := machines[machine]; !ok {
		return nil, fmt.Errorf("te: unknown machine 0x%04x", machine)
	}
	if nsec == 0 || sub < 10 || sub > 13 || stripped < teHeaderSize {
		return nil, errors.New("te: implausible header")
	}
	info := &Info{Format: "TE", Machine: machineName(machine), Subsystem: subsystemName(sub)}
	if size < 0 {
		return info, nil
	}
	// Section headers follow; their raw data offsets are PE offsets, which
	// the TE image is StrippedSize - 40 bytes shorter than.
	for i := range nsec {
		o := teHeaderSize + i*teSectionSize
		if o+teSectionSize > len(b) {
			return nil, fmt.Errorf("te: section table truncated at 0x%x", o)
		}
		var name [8]uint8
		copy(name[:], b[o:])
		c := binary.LittleEndian.Uint32(b[o+36:])
		if c&scnMemExecute != 0 && c&scnMemWrite != 0 {
			info.WXSections = append(info.WXSections, sectionName(name))
		}
	}
	return info, nil
}
