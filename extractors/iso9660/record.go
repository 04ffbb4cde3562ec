package iso9660

import (
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf16"
)

const (
	flagDir         = 0x02
	flagMultiExtent = 0x80 // more extents of this file follow in the next records
)

// record is a directory record (ECMA-119 9.1).
type record struct {
	extent int64 // first block
	size   int64
	flags  byte
	unit   byte // interleaved file unit size; 0 when not interleaved
	name   []byte
	system []byte // the system use area, where SUSP entries live
	mtime  time.Time
}

// parseRecord decodes the record at the start of b; ok is false when the
// lengths do not fit.
func parseRecord(b []byte) (record, bool) {
	n := int(b[0])
	if n < 34 || n > len(b) {
		return record{}, false
	}
	nameLen := int(b[32])
	if 33+nameLen > n {
		return record{}, false
	}
	le := binary.LittleEndian
	r := record{extent: int64(le.Uint32(b[2:])), size: int64(le.Uint32(b[10:])), flags: b[25], unit: b[26],
		name: b[33 : 33+nameLen], mtime: recTime(b[18:25])}
	su := 33 + nameLen
	if nameLen%2 == 0 {
		su++ // a pad byte keeps the system use area even
	}
	if su < n {
		r.system = b[su:n]
	}
	return r, true
}

// recTime decodes the 7-byte date of a record, whose last byte is the
// offset from UTC in 15-minute steps.
func recTime(b []byte) time.Time {
	if b[0] == 0 && b[1] == 0 {
		return time.Time{}
	}
	t := time.Date(1900+int(b[0]), time.Month(b[1]), int(b[2]), int(b[3]), int(b[4]), int(b[5]), 0, time.UTC)
	return t.Add(-time.Duration(int8(b[6])) * 15 * time.Minute)
}

// isoName turns an ISO 9660 identifier into a file name: the version
// (";1") goes, and so does a dot left with no extension.
func isoName(b []byte, joliet bool) string {
	s := string(b)
	if joliet {
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
		s = string(utf16.Decode(u))
	}
	if i := strings.LastIndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}
