package elfinfo

import (
	"debug/elf"
	_ "embed"
	"io"
	"strings"
	"sync"
)

// ChkSet is the list of fortified functions a libc exports, checksec-style:
// checksec takes every "__X_chk@@VERSION" of libc's symbol table, keeps
// "X_chk" (the text after the last "__"), and counts a binary's dynamic
// symbols (leading underscores and versions removed) that equal "X_chk"
// (fortified) or "X" (fortifiable, with the fortified ones added).
type ChkSet struct {
	chk  map[string]bool
	base map[string]bool
}

// NewChkSet builds the set from "X_chk" names.
func NewChkSet(names []string) *ChkSet {
	c := &ChkSet{chk: map[string]bool{}, base: map[string]bool{}}
	for _, n := range names {
		c.chk[n] = true
		c.base[strings.ReplaceAll(n, "_chk", "")] = true
	}
	return c
}

// Len is the number of fortified functions in the set.
func (c *ChkSet) Len() int { return len(c.chk) }

//go:embed glibc-2.36-chk.txt
var glibcChk string

var defaultChk = sync.OnceValue(func() *ChkSet { return NewChkSet(strings.Fields(glibcChk)) })

// DefaultChk is glibc 2.36's list, for trees that carry no glibc (uClibc
// and musl export fewer or none; checksec itself uses the host's libc).
func DefaultChk() *ChkSet { return defaultChk() }

// LibcChk reads the fortified functions a libc defines.
func LibcChk(r io.ReaderAt, size int64) (set *ChkSet, err error) {
	defer func() {
		if p := recover(); p != nil {
			set, err = nil, io.ErrUnexpectedEOF
		}
	}()
	f, err := elf.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range syms {
		// "@@" in readelf: a defined symbol's default version.
		if s.Section == elf.SHN_UNDEF || (s.HasVersion && s.VersionIndex.IsHidden()) || !strings.HasSuffix(s.Name, "_chk") {
			continue
		}
		i := strings.LastIndex(s.Name, "__")
		if i < 0 {
			continue
		}
		names = append(names, s.Name[i+2:])
	}
	return NewChkSet(names), nil
}

func (c *ChkSet) count(dynsyms []elf.Symbol) (fortify bool, fortified, fortifiable int) {
	unchecked := 0
	for _, s := range dynsyms {
		n := strings.TrimLeft(s.Name, "_")
		if n == "" {
			continue
		}
		if strings.HasSuffix(n, "_chk") {
			fortify = true
		}
		if c.chk[n] {
			fortified++
		}
		if c.base[n] {
			unchecked++
		}
	}
	return fortify, fortified, fortified + unchecked
}
