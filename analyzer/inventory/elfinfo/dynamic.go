package elfinfo

import (
	"debug/elf"
	"encoding/binary"
	"errors"
	"io"
)

// Our own reading of the dynamic segment: debug/elf finds .dynamic and
// .dynsym through section headers, which sstrip (OpenWrt, many vendor SDKs)
// removes; the loader only needs PT_DYNAMIC, and so do we.

const (
	maxDynamic     = 1 << 20  // PT_DYNAMIC bytes read
	maxDynSyms     = 1 << 17  // dynamic symbols read
	maxStrtab      = 16 << 20 // DT_STRSZ honoured
	dtMIPSSymtabNo = 0x70000011
	dtMIPSGotSym   = 0x70000013
)

type dynamic struct {
	tags    map[elf.DynTag]bool
	needed  []uint64 // string table offsets
	soname  []uint64
	rpath   []uint64
	runpath []uint64
	flags   uint64
	flags1  uint64
	vals    map[elf.DynTag]uint64 // last value of the address/size tags we use
}

type image struct {
	r     io.ReaderAt
	size  int64
	order binary.ByteOrder
	is64  bool
	progs []*elf.Prog
}

// readAt reads n bytes at off, refusing reads past the end of the file.
func (im *image) readAt(off, n uint64) ([]byte, error) {
	if off > uint64(im.size) || n > uint64(im.size)-off {
		return nil, errors.New("read past end of file")
	}
	b := make([]byte, n)
	_, err := im.r.ReadAt(b, int64(off))
	return b, err
}

// fileOff maps a virtual address to a file offset through the PT_LOAD
// segments, as the loader would.
func (im *image) fileOff(addr uint64) (uint64, bool) {
	for _, p := range im.progs {
		if p.Type == elf.PT_LOAD && addr >= p.Vaddr && addr-p.Vaddr < p.Filesz {
			return p.Off + (addr - p.Vaddr), true
		}
	}
	return 0, false
}

func (im *image) parseDynamic(p *elf.Prog) (*dynamic, error) {
	n := min(p.Filesz, maxDynamic)
	b, err := im.readAt(p.Off, n)
	if err != nil {
		return nil, err
	}
	d := &dynamic{tags: map[elf.DynTag]bool{}, vals: map[elf.DynTag]uint64{}}
	ent := 8
	if im.is64 {
		ent = 16
	}
	for i := 0; i+ent <= len(b); i += ent {
		var tag, val uint64
		if im.is64 {
			tag, val = im.order.Uint64(b[i:]), im.order.Uint64(b[i+8:])
		} else {
			tag, val = uint64(im.order.Uint32(b[i:])), uint64(im.order.Uint32(b[i+4:]))
		}
		t := elf.DynTag(tag)
		if t == elf.DT_NULL {
			break
		}
		d.tags[t] = true
		switch t {
		case elf.DT_NEEDED:
			d.needed = append(d.needed, val)
		case elf.DT_SONAME:
			d.soname = append(d.soname, val)
		case elf.DT_RPATH:
			d.rpath = append(d.rpath, val)
		case elf.DT_RUNPATH:
			d.runpath = append(d.runpath, val)
		case elf.DT_FLAGS:
			d.flags |= val
		case elf.DT_FLAGS_1:
			d.flags1 |= val
		default:
			d.vals[t] = val
		}
	}
	return d, nil
}

// strtab loads DT_STRTAB, bounded by DT_STRSZ and the file.
func (im *image) strtab(d *dynamic) []byte {
	off, ok := im.fileOff(d.vals[elf.DT_STRTAB])
	if !ok || !d.tags[elf.DT_STRTAB] {
		return nil
	}
	n := min(d.vals[elf.DT_STRSZ], maxStrtab)
	if off >= uint64(im.size) {
		return nil
	}
	n = min(n, uint64(im.size)-off)
	b, err := im.readAt(off, n)
	if err != nil {
		return nil
	}
	return b
}

func cstr(tab []byte, off uint64) string {
	if off >= uint64(len(tab)) {
		return ""
	}
	s := tab[off:]
	for i, c := range s {
		if c == 0 {
			return string(s[:i])
		}
	}
	return string(s)
}

// dynSymCount finds how many entries DT_SYMTAB holds without section
// headers: DT_HASH's nchain, MIPS's DT_MIPS_SYMTABNO, or the highest index
// reached through DT_GNU_HASH's buckets and chains.
func (im *image) dynSymCount(d *dynamic) uint64 {
	if d.tags[elf.DT_HASH] {
		if off, ok := im.fileOff(d.vals[elf.DT_HASH]); ok {
			if b, err := im.readAt(off, 8); err == nil {
				return uint64(im.order.Uint32(b[4:]))
			}
		}
	}
	if d.tags[dtMIPSSymtabNo] {
		return d.vals[dtMIPSSymtabNo]
	}
	if !d.tags[elf.DT_GNU_HASH] {
		return 0
	}
	off, ok := im.fileOff(d.vals[elf.DT_GNU_HASH])
	if !ok {
		return 0
	}
	h, err := im.readAt(off, 16)
	if err != nil {
		return 0
	}
	nbuckets, symoffset, bloomSize := uint64(im.order.Uint32(h)), uint64(im.order.Uint32(h[4:])), uint64(im.order.Uint32(h[8:]))
	word := uint64(4)
	if im.is64 {
		word = 8
	}
	if nbuckets > maxDynSyms || bloomSize > maxDynSyms {
		return 0
	}
	bOff := off + 16 + bloomSize*word
	buckets, err := im.readAt(bOff, nbuckets*4)
	if err != nil {
		return 0
	}
	var last uint64
	for i := uint64(0); i < nbuckets; i++ {
		last = max(last, uint64(im.order.Uint32(buckets[i*4:])))
	}
	if last < symoffset {
		return symoffset
	}
	chains := bOff + nbuckets*4
	for i := last; i-last < maxDynSyms; i++ {
		c, err := im.readAt(chains+(i-symoffset)*4, 4)
		if err != nil {
			return 0
		}
		if im.order.Uint32(c)&1 != 0 {
			return i + 1
		}
	}
	return 0
}

// dynSymbols reads the dynamic symbol table through DT_SYMTAB.
func (im *image) dynSymbols(d *dynamic, strs []byte) []elf.Symbol {
	off, ok := im.fileOff(d.vals[elf.DT_SYMTAB])
	if !ok || !d.tags[elf.DT_SYMTAB] || strs == nil {
		return nil
	}
	ent := uint64(16)
	if im.is64 {
		ent = 24
	}
	n := min(im.dynSymCount(d), maxDynSyms)
	if off >= uint64(im.size) {
		return nil
	}
	n = min(n, (uint64(im.size)-off)/ent)
	b, err := im.readAt(off, n*ent)
	if err != nil {
		return nil
	}
	var out []elf.Symbol
	for i := uint64(1); i < n; i++ {
		e := b[i*ent:]
		var s elf.Symbol
		if im.is64 {
			s.Name = cstr(strs, uint64(im.order.Uint32(e)))
			s.Info, s.Other = e[4], e[5]
			s.Section = elf.SectionIndex(im.order.Uint16(e[6:]))
			s.Value = im.order.Uint64(e[8:])
		} else {
			s.Name = cstr(strs, uint64(im.order.Uint32(e)))
			s.Value = uint64(im.order.Uint32(e[4:]))
			s.Info, s.Other = e[12], e[13]
			s.Section = elf.SectionIndex(im.order.Uint16(e[14:]))
		}
		out = append(out, s)
	}
	return out
}
