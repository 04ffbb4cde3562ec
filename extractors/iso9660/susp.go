package iso9660

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// maxContinuations bounds the CE chain of one record; real images use one.
const maxContinuations = 16

// rockRidge is what the SUSP entries of one record say (RRIP 1.12).
type rockRidge struct {
	name      strings.Builder
	hasName   bool
	mode      uint32
	hasPX     bool
	uid, gid  int64
	major     uint32
	minor     uint32
	target    strings.Builder
	hasSL     bool
	slSep     bool // the next SL component starts a new path segment
	mtime     time.Time
	childLink int64 // CL: this placeholder stands for the directory at this block
	relocated bool  // RE: the directory's real place is elsewhere (a CL)
	bad       bool
}

// rockRidge decodes the SUSP entries of a record's system use area and the
// continuation areas it chains to.
func (im *image) rockRidge(sys []byte) *rockRidge {
	rr := &rockRidge{childLink: -1}
	if len(sys) < im.suspSkip {
		return rr
	}
	b := sys[im.suspSkip:]
	seen := map[int64]bool{}
	for hops := 0; ; hops++ {
		next := rr.entries(b)
		if next == nil || hops >= maxContinuations {
			return rr
		}
		// CE: block, offset and length, each both-endian.
		le := binary.LittleEndian
		off := im.base + int64(le.Uint32(next[4:]))*im.vol.blockSize + int64(le.Uint32(next[12:]))
		n := int64(le.Uint32(next[20:]))
		if seen[off] || n > im.vol.blockSize {
			rr.bad = true
			return rr
		}
		seen[off] = true
		var err error
		if b, err = extractors.ReadAt(im.r, off, int(n), im.limit); err != nil {
			rr.bad = true
			return rr
		}
	}
}

// entries decodes one area and returns the CE entry that continues it, if
// any.
func (rr *rockRidge) entries(b []byte) (ce []byte) {
	le := binary.LittleEndian
	for len(b) >= 4 {
		sig, n := string(b[:2]), int(b[2])
		if n < 4 || n > len(b) {
			rr.bad = true
			return ce
		}
		e := b[:n]
		b = b[n:]
		switch {
		case sig == "ST":
			return ce
		case sig == "CE" && n >= 28:
			ce = e
		case sig == "NM" && n >= 5:
			if e[4]&0x06 == 0 { // not "." or ".."
				rr.name.Write(e[5:])
				rr.hasName = true
			}
		case sig == "PX" && n >= 36:
			rr.mode, rr.hasPX = le.Uint32(e[4:]), true
			rr.uid, rr.gid = int64(le.Uint32(e[20:])), int64(le.Uint32(e[28:]))
		case sig == "PN" && n >= 20:
			// Linux's rule (fs/isofs/rock.c): a lone low word above 8 bits
			// is an old 16-bit number.
			high, low := le.Uint32(e[4:]), le.Uint32(e[12:])
			if high == 0 && low&^0xFF != 0 {
				rr.major, rr.minor = low>>8, low&0xFF
			} else {
				rr.major, rr.minor = high, low
			}
		case sig == "SL" && n >= 5:
			rr.symlink(e[5:])
		case sig == "TF" && n >= 5:
			rr.times(e)
		case sig == "CL" && n >= 12:
			rr.childLink = int64(le.Uint32(e[4:]))
		case sig == "RE":
			rr.relocated = true
		}
	}
	return ce
}

// symlink appends the components of one SL entry to the target. A
// component flagged 0x01 continues in the next one, with no slash between.
func (rr *rockRidge) symlink(b []byte) {
	rr.hasSL = true
	for len(b) >= 2 {
		flags, n := b[0], int(b[1])
		if 2+n > len(b) {
			rr.bad = true
			return
		}
		part := string(b[2 : 2+n])
		b = b[2+n:]
		switch {
		case flags&0x08 != 0: // root
			rr.target.Reset()
			rr.target.WriteByte('/')
			rr.slSep = false
			continue
		case flags&0x02 != 0:
			part = "."
		case flags&0x04 != 0:
			part = ".."
		}
		if rr.slSep {
			rr.target.WriteByte('/')
		}
		rr.target.WriteString(part)
		rr.slSep = flags&0x01 == 0
	}
}

// times takes the modification time of a TF entry: stamps follow in flag
// order (creation, modify, access, ...), 7 bytes each, 17 in long form.
func (rr *rockRidge) times(e []byte) {
	flags := e[4]
	size := 7
	if flags&0x80 != 0 {
		size = 17
	}
	pos := 5
	if flags&0x01 != 0 {
		pos += size
	}
	if flags&0x02 == 0 || pos+size > len(e) {
		return
	}
	if size == 7 {
		rr.mtime = recTime(e[pos:])
	} else if t, err := time.Parse("20060102150405", string(e[pos:pos+14])); err == nil {
		rr.mtime = t.Add(-time.Duration(int8(e[pos+16])) * 15 * time.Minute)
	}
}
