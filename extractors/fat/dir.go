package fat

import (
	"context"
	"encoding/binary"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/fwstar/fwstar/extractors"
)

const (
	attrReadOnly = 0x01
	attrVolume   = 0x08
	attrDir      = 0x10
	attrLFN      = 0x0F // read-only, hidden, system and volume together

	// maxDirBytes: a directory holds at most 65536 entries of 32 bytes.
	maxDirBytes = 65536 * 32
)

// entry is one file or directory found by the walk.
type entry struct {
	path    string
	dir     bool
	attr    byte
	cluster uint32
	size    int64
	mtime   time.Time
}

// lfn collects the long-name entries that precede a short entry: they come
// last part first, each numbered, all carrying the short name's checksum.
type lfn struct {
	parts [20][13]uint16
	want  int // number of parts, from the entry flagged last; 0 when none
	next  int // the part expected next, counting down
	sum   byte
}

func (l *lfn) add(e []byte) {
	ord := int(e[0] & 0x1F)
	if e[0]&0x40 != 0 {
		*l = lfn{want: ord, next: ord, sum: e[13]}
	}
	if l.want == 0 || ord != l.next || ord == 0 || ord > len(l.parts) || e[13] != l.sum {
		l.want = 0
		return
	}
	p := &l.parts[ord-1]
	for i, o := range []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30} {
		p[i] = binary.LittleEndian.Uint16(e[o:])
	}
	l.next--
}

// name returns the long name if all its parts arrived and match the short
// name's checksum.
func (l *lfn) name(short []byte) (string, bool) {
	if l.want == 0 || l.next != 0 || checksum(short) != l.sum {
		return "", false
	}
	var u []uint16
	for _, p := range l.parts[:l.want] {
		for _, c := range p {
			if c == 0 {
				break
			}
			u = append(u, c)
		}
	}
	return string(utf16.Decode(u)), true
}

// checksum is the VFAT checksum of an 11-byte short name.
func checksum(short []byte) byte {
	var s byte
	for _, c := range short[:11] {
		s = (s&1)<<7 + s>>1 + c
	}
	return s
}

// shortName renders an 8.3 name, lowercasing base or extension when the
// NT flags (byte 12: 0x08 base, 0x10 extension) say so, as Windows does.
func shortName(e []byte) string {
	base := strings.TrimRight(string(e[0:8]), " ")
	ext := strings.TrimRight(string(e[8:11]), " ")
	if base != "" && base[0] == 0x05 {
		base = "\xe5" + base[1:]
	}
	if e[12]&0x08 != 0 {
		base = strings.ToLower(base)
	}
	if e[12]&0x10 != 0 {
		ext = strings.ToLower(ext)
	}
	// Short names are in an OEM code page; bytes above 0x7F are kept as
	// Latin-1 so the name stays valid UTF-8.
	name := base
	if ext != "" {
		name += "." + ext
	}
	return latin1(name)
}

func latin1(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			r := make([]rune, len(s))
			for j := range len(s) {
				r[j] = rune(s[j])
			}
			return string(r)
		}
	}
	return s
}

// dosTime decodes a FAT date and time, which carry no time zone.
func dosTime(date, tm uint16) time.Time {
	if date == 0 {
		return time.Time{}
	}
	return time.Date(1980+int(date>>9), time.Month(date>>5&0xF), int(date&0x1F),
		int(tm>>11), int(tm>>5&0x3F), int(tm&0x1F)*2, 0, time.UTC)
}

// readDir returns a directory's bytes: the fixed root of FAT12/16, or a
// cluster chain.
func (v *volume) readDir(first uint32, root bool) ([]byte, error) {
	if root && v.bpb.bits != 32 {
		n := v.bpb.rootEntries * 32
		off := v.base + v.bpb.rootOff
		b, err := extractors.ReadAt(v.r, off, int(n), v.limit)
		if err != nil {
			return nil, extractors.Wrap("fat", off, err, "root directory")
		}
		return b, nil
	}
	var out []byte
	ch := v.chain(first)
	cs := v.bpb.clusterSize()
	for int64(len(out)) < maxDirBytes {
		c, err := ch.next()
		if err != nil || c == 0 {
			return out, err
		}
		off := v.clusterOff(c)
		b, err := extractors.ReadAt(v.r, off, int(cs), v.limit)
		if err != nil {
			return out, extractors.Wrap("fat", off, err, "directory cluster %d", c)
		}
		out = append(out, b...)
	}
	return out, nil
}

// walk lists every entry below the root, parents before children. Deleted
// entries and volume labels are skipped; a directory whose first cluster was
// already walked (a cycle, or a cross-link) is not walked again.
func (v *volume) walk(ctx context.Context) ([]entry, error) {
	type dir struct {
		path    string
		cluster uint32
	}
	var out []entry
	var firstErr error
	seen := map[uint32]bool{}
	root := dir{cluster: v.bpb.rootCluster}
	if v.bpb.bits == 32 {
		seen[root.cluster] = true
	}
	stack := []dir{root}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b, err := v.readDir(d.cluster, d.path == "")
		if err != nil && firstErr == nil {
			firstErr = err
		}
		var subdirs []dir
		var l lfn
		for pos := 0; pos+32 <= len(b); pos += 32 {
			e := b[pos : pos+32]
			if e[0] == 0 {
				break
			}
			if e[0] == 0xE5 {
				l.want = 0
				continue
			}
			attr := e[11]
			if attr&0x3F == attrLFN {
				l.add(e)
				continue
			}
			long, ok := l.name(e)
			l.want = 0
			if attr&attrVolume != 0 {
				continue
			}
			name := long
			if !ok {
				name = shortName(e)
			}
			if name == "." || name == ".." {
				continue
			}
			if name == "" || strings.ContainsAny(name, "/\\\x00") || strings.Trim(name, ".") == "" {
				v.badNames++
				continue
			}
			le := binary.LittleEndian
			x := entry{path: name, attr: attr, dir: attr&attrDir != 0,
				cluster: uint32(le.Uint16(e[20:]))<<16 | uint32(le.Uint16(e[26:])),
				size:    int64(le.Uint32(e[28:])), mtime: dosTime(le.Uint16(e[24:]), le.Uint16(e[22:]))}
			if v.bpb.bits != 32 {
				x.cluster &= 0xFFFF // the high word is reserved (OS/2 EAs) before FAT32
			}
			if d.path != "" {
				x.path = d.path + "/" + name
			}
			if x.dir {
				if x.cluster == 0 || seen[x.cluster] {
					v.loops++
					continue
				}
				seen[x.cluster] = true
				subdirs = append(subdirs, dir{x.path, x.cluster})
			}
			out = append(out, x)
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return out, firstErr
}
