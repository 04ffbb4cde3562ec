package inventory

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/inventory/peinfo"
)

// File types, decided by content. Names are never used, except for the
// tags of tag().
const (
	TypeELF          = "elf"
	TypePE           = "pe"
	TypeTE           = "te"
	TypeKernel       = "kernel"
	TypeKernelModule = "kernel-module"
	TypeShell        = "script-shell"
	TypeLua          = "script-lua"
	TypePHP          = "script-php"
	TypePython       = "script-python"
	TypePerl         = "script-perl"
	TypeScript       = "script-other"
	TypeHTML         = "web-html"
	TypeJS           = "web-js"
	TypeCSS          = "web-css"
	TypeCertificate  = "certificate"
	TypeKey          = "private-key-material"
	TypeDatabase     = "database"
	TypeConfig       = "config"
	TypeArchive      = "archive"
	TypeText         = "text"
	TypeData         = "data"
	TypeEmpty        = "empty"
)

const (
	headSize  = 64 << 10
	sniffSize = 8 << 10
)

var archiveMagics = []struct {
	off   int
	magic string
	name  string
}{
	{0, "\x1f\x8b\x08", "gzip"}, {0, "\xfd7zXZ\x00", "xz"}, {0, "BZh", "bzip2"},
	{0, "PK\x03\x04", "zip"}, {0, "PK\x05\x06", "zip"}, {257, "ustar", "tar"},
	{0, "7z\xbc\xaf\x27\x1c", "7z"}, {0, "\x28\xb5\x2f\xfd", "zstd"}, {0, "\x04\x22\x4d\x18", "lz4"},
	{0, "\x02\x21\x4c\x18", "lz4-legacy"}, {0, "\x89LZO\x00\r\n\x1a\n", "lzop"}, {0, "070701", "cpio"},
	{0, "070702", "cpio"}, {0, "070707", "cpio"}, {0, "hsqs", "squashfs"}, {0, "sqsh", "squashfs"},
	{0, "!<arch>\n", "ar"}, {0, "\x45\x3d\xcd\x28", "cramfs"}, {0, "\x28\xcd\x3d\x45", "cramfs"},
	{0, "\x85\x19", "jffs2"}, {0, "\x19\x85", "jffs2"}, {0, "UBI#", "ubi"}, {0, "\xd0\x0d\xfe\xed", "dtb"},
	{0, "\x5d\x00\x00", "lzma"}, {0, "HDR0", "trx"},
}

var (
	pemKey  = lazyre.New(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|PuTTY-User-Key-File-`)
	pemCert = []byte("-----BEGIN CERTIFICATE-----")
	// Dropbear's key file is an SSH wire string naming the algorithm, then the key.
	dropbearAlgos = []string{"ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"}

	jsStart  = lazyre.New(`^(?:\(function|!function|var |let |const |function[ (]|['"]use strict['"]|import |export |define\(|window\.|document\.|\$\(|jQuery|/\*|//)`)
	jsBody   = lazyre.New(`function\s*\(|=>|\bvar\s+\w+\s*=|document\.|window\.`)
	cssRule  = lazyre.New(`(?m)^\s*[.#@a-zA-Z*:\[][^{};=]*\{\s*[-a-zA-Z]+\s*:[^{}]*[;}]`)
	luaDecl  = lazyre.New(`(?m)^\s*(?:local\s+[\w,\s]+=|local\s+function\s|module\s*\(|require\s*[("']|function\s+[\w.:]+\s*\()`)
	luaEnd   = lazyre.New(`(?m)^\s*end\b`)
	pyLine   = lazyre.New(`(?m)^(?:import [\w.]+|from [\w.]+ import |def \w+\(.*\):|class \w+.*:)\s*$`)
	perlLine = lazyre.New(`(?m)^use (?:strict|warnings);`)
	cfgLine  = lazyre.New(`^\s*(?:[\w.\-/]+\s*[=:]\s*.*|\[[^\]]+\]|(?:config|option|list)\s+\S+.*|<[\w/][^>]*>.*)$`)
)

// classify decides a regular file's type from its first bytes.
func classify(head []byte, size int64) (typ string, tags []string) {
	if size == 0 {
		return TypeEmpty, nil
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return TypeELF, nil
	case bytes.HasPrefix(head, []byte("MZ")) && isPE(head):
		return TypePE, nil
	case bytes.HasPrefix(head, []byte("VZ")) && peinfo.IsTE(head):
		return TypeTE, nil
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return TypeDatabase, []string{"sqlite"}
	}
	if k := kernelHeader(head); k != "" {
		return TypeKernel, []string{k}
	}
	if isDropbearKey(head) {
		return TypeKey, []string{"dropbear"}
	}
	for _, m := range archiveMagics {
		if len(head) >= m.off+len(m.magic) && string(head[m.off:m.off+len(m.magic)]) == m.magic {
			if m.name == "lzma" && !plausibleLZMA(head) {
				continue
			}
			if m.name == "dtb" {
				return TypeData, []string{"dtb"}
			}
			return TypeArchive, []string{m.name}
		}
	}
	if head[0] == 0x30 && len(head) > 4 && (head[1] == 0x82 || head[1] == 0x81) && int64(len(head)) == size {
		if _, err := x509.ParseCertificate(head); err == nil {
			return TypeCertificate, []string{"der"}
		}
		if isDERKey(head) {
			return TypeKey, []string{"der"}
		}
	}
	if !isText(head) {
		return TypeData, nil
	}
	if pemKey().Match(head) {
		return TypeKey, []string{"pem"}
	}
	if bytes.Contains(head, pemCert) {
		return TypeCertificate, []string{"pem"}
	}
	if t := shebang(head); t != "" {
		return t, nil
	}
	s := strings.TrimLeft(strings.TrimPrefix(string(head), "\ufeff"), " \t\r\n")
	s = s[:min(len(s), sniffSize)] // the heuristics below need only the start
	low := strings.ToLower(s[:min(len(s), 4096)])
	switch {
	case strings.HasPrefix(s, "<?php"):
		return TypePHP, nil
	case strings.HasPrefix(low, "<!doctype html") || strings.HasPrefix(low, "<html") ||
		(strings.HasPrefix(low, "<") && (strings.Contains(low, "<html") || strings.Contains(low, "<head") || strings.Contains(low, "<body") || strings.Contains(low, "<script"))):
		if strings.Contains(low, "<?php") {
			return TypePHP, nil
		}
		return TypeHTML, nil
	case strings.HasPrefix(low, "<?xml") || strings.HasPrefix(low, "<svg"):
		if strings.Contains(low, "<svg") {
			return TypeHTML, []string{"svg"}
		}
		return TypeConfig, []string{"xml"}
	case jsStart().MatchString(s) && jsBody().MatchString(s):
		return TypeJS, nil
	case cssRule().MatchString(s) && !strings.Contains(s, "function"):
		return TypeCSS, nil
	case luaDecl().MatchString(s) && luaEnd().MatchString(s):
		return TypeLua, nil
	case pyLine().MatchString(s):
		return TypePython, nil
	case perlLine().MatchString(s):
		return TypePerl, nil
	case (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) && jsonish(s):
		return TypeConfig, []string{"json"}
	case isConfig(s):
		return TypeConfig, nil
	}
	return TypeText, nil
}

// shebang maps "#!" interpreters to script types.
func shebang(b []byte) string {
	if !bytes.HasPrefix(b, []byte("#!")) {
		return ""
	}
	line, _, _ := bytes.Cut(b[2:], []byte("\n"))
	f := strings.Fields(string(line))
	if len(f) == 0 {
		return TypeScript
	}
	interp := path.Base(f[0])
	if interp == "env" && len(f) > 1 {
		interp = f[1]
		if interp == "-S" && len(f) > 2 {
			interp = f[2]
		}
		interp = path.Base(interp)
	}
	switch {
	case interp == "busybox" && len(f) > 1 && (f[1] == "sh" || f[1] == "ash"):
		return TypeShell
	case interp == "sh" || interp == "ash" || interp == "bash" || interp == "dash" || interp == "ksh" || interp == "zsh" || interp == "hush" || interp == "mksh":
		return TypeShell
	case strings.HasPrefix(interp, "lua"):
		return TypeLua
	case strings.HasPrefix(interp, "php"):
		return TypePHP
	case strings.HasPrefix(interp, "python"):
		return TypePython
	case strings.HasPrefix(interp, "perl"), strings.HasPrefix(interp, "microperl"):
		return TypePerl
	}
	return TypeScript
}

func isPE(b []byte) bool {
	if len(b) < 0x40 {
		return false
	}
	off := int(binary.LittleEndian.Uint32(b[0x3c:]))
	return off >= 0x40 && off+4 <= len(b) && string(b[off:off+4]) == "PE\x00\x00"
}

// kernelHeader recognises kernel image headers whose payload is compressed
// or raw code, where the banner may not be visible.
func kernelHeader(b []byte) string {
	switch {
	case len(b) >= 64 && binary.BigEndian.Uint32(b) == 0x27051956 && (b[30] == 2 || b[30] == 14):
		return "uimage"
	case len(b) >= 0x30 && binary.LittleEndian.Uint32(b[0x24:]) == 0x016f2818:
		return "zimage"
	case len(b) >= 0x206 && string(b[0x202:0x206]) == "HdrS" && b[0x1fe] == 0x55 && b[0x1ff] == 0xaa:
		return "bzimage"
	case len(b) >= 0x40 && string(b[0x38:0x3c]) == "ARM\x64":
		return "arm64-image"
	case len(b) >= 0x40 && string(b[0x38:0x3c]) == "RSC\x05":
		return "riscv-image"
	}
	return ""
}

func isDropbearKey(b []byte) bool {
	if len(b) < 8 {
		return false
	}
	n := int(binary.BigEndian.Uint32(b))
	for _, a := range dropbearAlgos {
		if n == len(a) && len(b) >= 4+n && string(b[4:4+n]) == a {
			// A public key blob has the same start; a private one is longer
			// than its public part, which classify cannot tell apart cheaply,
			// so both are reported as key material for the secrets pass.
			return true
		}
	}
	return false
}

func isDERKey(b []byte) bool {
	if _, err := x509.ParsePKCS1PrivateKey(b); err == nil {
		return true
	}
	if _, err := x509.ParsePKCS8PrivateKey(b); err == nil {
		return true
	}
	_, err := x509.ParseECPrivateKey(b)
	return err == nil
}

// plausibleLZMA checks an lzma-alone header: properties byte 0x5d and a
// power-of-two dictionary size.
func plausibleLZMA(b []byte) bool {
	if len(b) < 13 {
		return false
	}
	d := binary.LittleEndian.Uint32(b[1:])
	return d >= 1<<12 && d <= 1<<28 && d&(d-1) == 0
}

func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if len(b) >= headSize { // a cut rune at the end is fine
		b = b[:len(b)-4]
	}
	ctl := 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 || r == 0 {
			return false
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f' && r != 0x1b {
			ctl++
		}
		b = b[n:]
	}
	return ctl == 0
}

func jsonish(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) > 1 && (s[0] == '{' && strings.Contains(s, `":`) || s[0] == '[' && (strings.HasSuffix(s, "]") || strings.Contains(s, `{"`)))
}

// isConfig: most meaningful lines are key=value, key: value, [section],
// UCI "config/option" lines or XML-like tags.
func isConfig(s string) bool {
	lines, hits := 0, 0
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || l[0] == '#' || l[0] == ';' || strings.HasPrefix(l, "//") {
			continue
		}
		lines++
		if cfgLine().MatchString(l) {
			hits++
		}
	}
	return lines > 0 && hits*10 >= lines*7
}
