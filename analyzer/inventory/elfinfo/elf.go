// Package elfinfo reads what an inventory needs from an ELF file: its
// architecture, linking, and hardening flags computed as checksec computes
// them. Headers come from debug/elf; the dynamic segment, dynamic symbols
// and notes are read from program headers by our own code, so stripped
// (sstrip) binaries without section headers are covered too.
package elfinfo

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Info describes one ELF file.
type Info struct {
	Class      string    `json:"class"`  // "ELF32", "ELF64"
	Endian     string    `json:"endian"` // "little", "big"
	Machine    string    `json:"machine"`
	Arch       string    `json:"arch"` // summary key: "mips-mips32r2", "arm-eabi5-le", "x86-64"
	Flavour    []string  `json:"flavour,omitempty"`
	Flags      string    `json:"e_flags"`
	Type       string    `json:"type"` // "exec", "dyn", "rel", "core"
	Interp     string    `json:"interpreter,omitempty"`
	Needed     []string  `json:"needed,omitempty"`
	SONAME     string    `json:"soname,omitempty"`
	RPATH      []string  `json:"rpath,omitempty"`
	RUNPATH    []string  `json:"runpath,omitempty"`
	Linking    string    `json:"linking"` // "static", "dynamic", "none" (relocatable)
	Stripped   bool      `json:"stripped"`
	NoSections bool      `json:"no_section_headers,omitempty"` // sstrip'd
	BuildID    string    `json:"build_id,omitempty"`
	Hardening  Hardening `json:"hardening"`
	Risky      []string  `json:"risky_imports,omitempty"`
	Module     *Modinfo  `json:"module,omitempty"`

	symbols []string // every symbol name, for callers' string checks
}

// Hardening holds checksec's verdicts (checksec 2.6.0 filecheck()).
type Hardening struct {
	NX          bool   `json:"nx"`
	NXNote      string `json:"nx_note,omitempty"`
	PIE         string `json:"pie"`   // "yes", "no", "dso", "rel"
	RELRO       string `json:"relro"` // "full", "partial", "none"
	Canary      bool   `json:"canary"`
	Fortify     bool   `json:"fortify"`
	Fortified   int    `json:"fortified"`
	Fortifiable int    `json:"fortifiable"`
	Symbols     bool   `json:"symbols"` // a .symtab is present
	RPATH       bool   `json:"rpath"`
	RUNPATH     bool   `json:"runpath"`
}

// Modinfo is the .modinfo of a kernel module.
type Modinfo struct {
	Name     string `json:"name,omitempty"`
	Vermagic string `json:"vermagic,omitempty"`
	License  string `json:"license,omitempty"`
	Version  string `json:"version,omitempty"`
	Depends  string `json:"depends,omitempty"`
}

// Options tune Parse.
type Options struct {
	// Chk is the set of fortified functions the target's libc exports
	// (see ChkSet); nil means glibc 2.36's list.
	Chk *ChkSet
}

// riskyFuncs are imports that commonly carry overflows or command injection.
var riskyFuncs = map[string]bool{
	"strcpy": true, "strcat": true, "sprintf": true, "vsprintf": true, "gets": true,
	"system": true, "popen": true, "execl": true, "execlp": true, "execle": true,
	"execv": true, "execvp": true, "execvpe": true, "scanf": true, "sscanf": true,
	"fscanf": true, "vscanf": true, "vsscanf": true, "vfscanf": true,
}

const maxModinfo = 64 << 10

// Parse reads an ELF file of the given size. Malformed input gives an error,
// never a panic: debug/elf is not guaranteed panic-free on hostile input, so
// a panic is recovered and returned as an error.
func Parse(r io.ReaderAt, size int64, opt Options) (info *Info, err error) {
	defer func() {
		if !catchPanics {
			return
		}
		if p := recover(); p != nil {
			info, err = nil, fmt.Errorf("elf: malformed file (parser panic: %v)", p)
		}
	}()
	f, err := elf.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	im := &image{r: r, size: size, order: f.ByteOrder, is64: f.Class == elf.ELFCLASS64, progs: f.Progs}
	// debug/elf does not expose e_flags.
	flagsOff := uint64(0x24)
	if im.is64 {
		flagsOff = 0x30
	}
	fb, err := im.readAt(flagsOff, 4)
	if err != nil {
		return nil, err
	}
	eflags := f.ByteOrder.Uint32(fb)
	info = &Info{
		Class:   strings.TrimPrefix(f.Class.String(), "ELFCLASS"),
		Machine: machineName(f.Machine),
		Flags:   fmt.Sprintf("0x%x", eflags),
		Type:    map[elf.Type]string{elf.ET_EXEC: "exec", elf.ET_DYN: "dyn", elf.ET_REL: "rel", elf.ET_CORE: "core"}[f.Type],
	}
	info.Class = "ELF" + info.Class
	if info.Type == "" {
		info.Type = f.Type.String()
	}
	big := f.Data == elf.ELFDATA2MSB
	info.Endian = "little"
	if big {
		info.Endian = "big"
	}
	info.Flavour, info.Arch = flavour(f.Machine, f.Class, eflags, f.Entry, big)

	var (
		gnuStack, gnuRelro bool
		stackFlags         elf.ProgFlag
		dyn                *dynamic
	)
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_GNU_STACK:
			gnuStack, stackFlags = true, p.Flags
		case elf.PT_GNU_RELRO:
			gnuRelro = true
		case elf.PT_INTERP:
			if b, err := im.readAt(p.Off, min(p.Filesz, 4096)); err == nil {
				info.Interp = string(bytes.TrimRight(b, "\x00"))
			}
		case elf.PT_DYNAMIC:
			if dyn == nil {
				dyn, _ = im.parseDynamic(p)
			}
		case elf.PT_NOTE:
			if info.BuildID == "" {
				info.BuildID = im.buildID(p.Off, p.Filesz)
			}
		}
	}
	if info.BuildID == "" {
		if s := f.Section(".note.gnu.build-id"); s != nil && s.Type == elf.SHT_NOTE {
			info.BuildID = im.buildID(s.Offset, s.Size)
		}
	}

	var dynsyms []elf.Symbol
	if dyn != nil {
		strs := im.strtab(dyn)
		for _, o := range dyn.needed {
			info.Needed = append(info.Needed, cstr(strs, o))
		}
		if len(dyn.soname) > 0 {
			info.SONAME = cstr(strs, dyn.soname[0])
		}
		for _, o := range dyn.rpath {
			info.RPATH = append(info.RPATH, strings.Split(cstr(strs, o), ":")...)
		}
		for _, o := range dyn.runpath {
			info.RUNPATH = append(info.RUNPATH, strings.Split(cstr(strs, o), ":")...)
		}
		if f.Section(".dynsym") == nil {
			dynsyms = im.dynSymbols(dyn, strs)
		}
	}
	if s := f.Section(".dynsym"); s != nil {
		dynsyms, _ = f.DynamicSymbols()
	}
	symtab, _ := f.Symbols()
	info.NoSections = len(f.Sections) == 0
	info.Stripped = f.Section(".symtab") == nil

	switch {
	case f.Type == elf.ET_REL:
		info.Linking = "none"
	case dyn == nil || (info.Interp == "" && len(info.Needed) == 0 && info.SONAME == ""):
		info.Linking = "static"
	default:
		info.Linking = "dynamic"
	}

	h := &info.Hardening
	h.Symbols = !info.Stripped
	h.RPATH, h.RUNPATH = len(info.RPATH) > 0, len(info.RUNPATH) > 0
	// NX: checksec wants PT_GNU_STACK and reads "RWE" in its flags as no NX.
	h.NX = gnuStack && stackFlags&(elf.PF_R|elf.PF_W|elf.PF_X) != elf.PF_R|elf.PF_W|elf.PF_X
	if !gnuStack && f.Type != elf.ET_REL {
		h.NXNote = "no PT_GNU_STACK: the kernel maps the stack executable (READ_IMPLIES_EXEC on many arches)"
		if f.Machine == elf.EM_MIPS {
			h.NXNote = "no PT_GNU_STACK: MIPS toolchains before binutils 2.24/glibc 2.23 never emitted it; the stack is executable"
		}
	}
	// RELRO: PT_GNU_RELRO, full with BIND_NOW (checksec greps readelf -d
	// for BIND_NOW: the DT_BIND_NOW tag or DF_BIND_NOW in DT_FLAGS).
	h.RELRO = "none"
	if gnuRelro {
		h.RELRO = "partial"
		if dyn != nil && (dyn.tags[elf.DT_BIND_NOW] || dyn.flags&uint64(elf.DF_BIND_NOW) != 0 || dyn.flags1&uint64(elf.DF_1_NOW) != 0) {
			h.RELRO = "full"
		}
	}
	// PIE: ET_EXEC is not; ET_DYN is when it has DT_DEBUG (checksec) or
	// DF_1_PIE (binutils >= 2.33 marks PIEs so).
	switch f.Type {
	case elf.ET_EXEC:
		h.PIE = "no"
	case elf.ET_DYN:
		h.PIE = "dso"
		if dyn != nil && (dyn.tags[elf.DT_DEBUG] || dyn.flags1&uint64(elf.DF_1_PIE) != 0) {
			h.PIE = "yes"
		}
	case elf.ET_REL:
		h.PIE = "rel"
	default:
		h.PIE = "no"
	}

	for _, s := range dynsyms {
		info.symbols = append(info.symbols, s.Name)
		if s.Section == elf.SHN_UNDEF && riskyFuncs[s.Name] && elf.ST_TYPE(s.Info) != elf.STT_OBJECT {
			info.Risky = append(info.Risky, s.Name)
		}
	}
	for _, s := range symtab {
		info.symbols = append(info.symbols, s.Name)
	}
	for _, n := range info.symbols {
		if strings.Contains(n, "__stack_chk_fail") || strings.Contains(n, "__stack_chk_guard") || strings.Contains(n, "__intel_security_cookie") {
			h.Canary = true
			break
		}
	}
	chk := opt.Chk
	if chk == nil {
		chk = DefaultChk()
	}
	h.Fortify, h.Fortified, h.Fortifiable = chk.count(dynsyms)
	sort.Strings(info.Risky)
	info.Risky = dedup(info.Risky)

	if f.Type == elf.ET_REL {
		if s := f.Section(".modinfo"); s != nil && s.Type != elf.SHT_NOBITS {
			if b, err := im.readAt(s.Offset, min(s.Size, maxModinfo)); err == nil {
				info.Module = parseModinfo(b)
			}
		}
	}
	return info, nil
}

// HasSymbol reports whether any symbol table names s.
func (i *Info) HasSymbol(s string) bool {
	for _, n := range i.symbols {
		if n == s {
			return true
		}
	}
	return false
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// buildID finds NT_GNU_BUILD_ID in a note area.
func (im *image) buildID(off, n uint64) string {
	b, err := im.readAt(off, min(n, 64<<10))
	if err != nil {
		return ""
	}
	return noteBuildID(b, im.order)
}

func noteBuildID(b []byte, order binary.ByteOrder) string {
	for len(b) >= 12 {
		namesz, descsz, typ := uint64(order.Uint32(b)), uint64(order.Uint32(b[4:])), order.Uint32(b[8:])
		nameEnd := 12 + (namesz+3)&^3
		end := nameEnd + (descsz+3)&^3
		if namesz > uint64(len(b)) || descsz > uint64(len(b)) || end > uint64(len(b)) {
			return ""
		}
		if typ == 3 && namesz == 4 && string(b[12:15]) == "GNU" {
			return hex.EncodeToString(b[nameEnd : nameEnd+descsz])
		}
		b = b[end:]
	}
	return ""
}

func parseModinfo(b []byte) *Modinfo {
	m := &Modinfo{}
	for _, kv := range bytes.Split(b, []byte{0}) {
		k, v, ok := strings.Cut(string(kv), "=")
		if !ok {
			continue
		}
		switch k {
		case "name":
			m.Name = v
		case "vermagic":
			m.Vermagic = strings.TrimSpace(v)
		case "license":
			m.License = v
		case "version":
			m.Version = v
		case "depends":
			m.Depends = v
		}
	}
	return m
}

// catchPanics is turned off by the fuzz target, so that panics in the
// parsing code are found rather than hidden.
var catchPanics = true
