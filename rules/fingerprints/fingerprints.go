// Package fingerprints holds the binary fingerprints of software that firmware
// commonly carries: how to recognise a component from the bytes of a file, its
// name or its SONAME, and how to name it (CPE 2.3, purl). The data is YAML in
// this folder, embedded and decoded strictly.
package fingerprints

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"gopkg.in/yaml.v3"

	"github.com/fwstar/fwstar/analyzer/model"
)

//go:embed *.yaml
var data embed.FS

// Fingerprint describes one component.
type Fingerprint struct {
	ID   string `yaml:"id"`   // stable key: "busybox", "openssl"
	Name string `yaml:"name"` // component name shown in reports
	// Type is the CycloneDX component type: application, library,
	// operating-system or firmware.
	Type string `yaml:"type"`
	// CPE is "vendor:product" of the NVD CPE 2.3 dictionary; the part is "o"
	// for operating systems and "a" otherwise.
	CPE string `yaml:"cpe"`
	// PURL is the package URL without version: "pkg:generic/busybox".
	PURL string `yaml:"purl"`
	// Packages are the names package databases (dpkg, opkg, apk) give this
	// component, so a package entry and a binary match merge.
	Packages []string `yaml:"packages,omitempty"`
	// Files are globs (model.Match syntax) of the files it usually lives in.
	// A pattern matching in such a file gets high confidence, and patterns
	// marked FilesOnly are tried only there.
	Files []string `yaml:"files,omitempty"`
	// Strings are version patterns searched in file contents.
	Strings []Pattern `yaml:"strings,omitempty"`
	// Names are regexes on a file's base name: "libuClibc-0.9.33.2.so".
	Names []string `yaml:"names,omitempty"`
	// SONAMEs are regexes on an ELF library's DT_SONAME.
	SONAMEs []string `yaml:"sonames,omitempty"`
	Source  string   `yaml:"source"` // where the facts came from

	names, sonames []*regexp.Regexp
}

// Pattern is one version string pattern.
type Pattern struct {
	// Keyword is a literal that every match contains. The scanner finds
	// keywords in one pass; the regex runs only around a hit.
	Keyword string `yaml:"keyword"`
	// Regex has a named group "version" (or none, for presence only). It is
	// matched on the bytes within Window (default 256) of the keyword, on
	// both sides.
	Regex string `yaml:"regex"`
	// Encoding is "" (bytes) or "utf-16le": keyword and regex are written as
	// text and matched against UTF-16LE strings (UEFI images use them).
	Encoding  string `yaml:"encoding,omitempty"`
	Window    int    `yaml:"window,omitempty"`
	FilesOnly bool   `yaml:"files_only,omitempty"`

	re      *regexp.Regexp
	keyword []byte
}

// KeywordBytes is the keyword as it appears in a file.
func (p *Pattern) KeywordBytes() []byte { return p.keyword }

// Match finds the pattern in b, a window of a file that holds the keyword,
// and returns the version and its position in b; ok is false for no match.
// Version is "" for a presence-only pattern.
func (p *Pattern) Match(b []byte) (version string, at int, ok bool) {
	if p.Encoding == "utf-16le" {
		return p.match16(b)
	}
	m := p.re.FindSubmatchIndex(b)
	if m == nil {
		return "", 0, false
	}
	if i := p.re.SubexpIndex("version"); i > 0 && m[2*i] >= 0 {
		return string(b[m[2*i]:m[2*i+1]]), m[2*i], true
	}
	return "", m[0], true
}

// match16 reads b as UTF-16LE text (ASCII only, as UEFI version strings
// are; b starts on a code unit, which the scanner ensures by starting windows
// at the keyword's parity) and maps the match back to a byte position.
func (p *Pattern) match16(b []byte) (string, int, bool) {
	txt := make([]byte, len(b)/2)
	for i := range txt {
		if c := b[2*i]; b[2*i+1] == 0 && c > 0 && c < 0x80 {
			txt[i] = c
		}
	}
	v, at, ok := p.matchText(txt)
	return v, 2 * at, ok
}

func (p *Pattern) matchText(txt []byte) (string, int, bool) {
	m := p.re.FindSubmatchIndex(txt)
	if m == nil {
		return "", 0, false
	}
	if i := p.re.SubexpIndex("version"); i > 0 && m[2*i] >= 0 {
		return string(txt[m[2*i]:m[2*i+1]]), m[2*i], true
	}
	return "", m[0], true
}

// Find runs the pattern over b the way the analyzer's scanner does, at
// every keyword occurrence, and returns the first match: the version and
// the byte ranges of the keyword and the version in b. It is for tests and
// tools; the scanner finds all keywords in one pass instead.
func (p *Pattern) Find(b []byte) (version string, kw, ver [2]int, ok bool) {
	w := p.WindowSize() &^ 1
	for from := 0; ; {
		i := bytes.Index(b[from:], p.keyword)
		if i < 0 {
			return "", kw, ver, false
		}
		i += from
		lo := max(0, i-w)
		if (i-lo)%2 != 0 {
			lo++
		}
		hi := min(len(b), i+len(p.keyword)+w)
		if v, at, ok := p.Match(b[lo:hi]); ok {
			return v, [2]int{i, i + len(p.keyword)}, [2]int{lo + at, lo + at + len(v)}, true
		}
		from = i + 1
	}
}

// MaxWindow caps Pattern.Window, so a scanner reading a file in blocks
// knows how far blocks must overlap.
const MaxWindow = 1024

// WindowSize is how many bytes around a keyword hit the regex sees.
func (p *Pattern) WindowSize() int {
	if p.Window > 0 {
		return p.Window
	}
	return 256
}

// MatchName returns the version a file-name regex captures from base.
func (f *Fingerprint) MatchName(base string) (version string, ok bool) {
	return matchAny(f.names, base)
}

// MatchSONAME returns the version a SONAME regex captures.
func (f *Fingerprint) MatchSONAME(soname string) (version string, ok bool) {
	return matchAny(f.sonames, soname)
}

func matchAny(res []*regexp.Regexp, s string) (string, bool) {
	for _, re := range res {
		m := re.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if i := re.SubexpIndex("version"); i > 0 {
			return m[i], true
		}
		return "", true
	}
	return "", false
}

// InFiles tells whether the in-chunk path name matches one of f.Files.
func (f *Fingerprint) InFiles(name string) bool {
	for _, g := range f.Files {
		if model.Match(g, name) {
			return true
		}
	}
	return false
}

// CPEPart is "o" for operating systems and "a" for everything else.
func (f *Fingerprint) CPEPart() string {
	if f.Type == "operating-system" {
		return "o"
	}
	return "a"
}

// CPE23 formats the CPE 2.3 name for a version ("-" when unknown).
func (f *Fingerprint) CPE23(version string) string {
	if f.CPE == "" {
		return ""
	}
	v := "-"
	if version != "" {
		v = CPEEscape(version)
	}
	return "cpe:2.3:" + f.CPEPart() + ":" + f.CPE + ":" + v + ":*:*:*:*:*:*:*"
}

// CPEEscape quotes the characters CPE 2.3 formatted strings escape.
func CPEEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Load decodes and checks every fingerprint file.
func Load() ([]*Fingerprint, error) {
	names, err := fs.Glob(data, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Fingerprint
	seen := map[string]bool{}
	for _, n := range names {
		b, err := data.ReadFile(n)
		if err != nil {
			return nil, err
		}
		fps, err := decode(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		for _, fp := range fps {
			if seen[fp.ID] {
				return nil, fmt.Errorf("%s: duplicate id %q", n, fp.ID)
			}
			seen[fp.ID] = true
			out = append(out, fp)
		}
	}
	slices.SortFunc(out, func(a, b *Fingerprint) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	cpeRE  = regexp.MustCompile(`^[a-z0-9_.\-\\]+:[a-z0-9_.\-\\+]+$`)
	purlRE = regexp.MustCompile(`^pkg:[a-z]+/[A-Za-z0-9._/+-]+$`)
	types  = []string{"application", "library", "operating-system", "firmware"}
)

func decode(b []byte) ([]*Fingerprint, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var doc struct {
		Fingerprints []*Fingerprint `yaml:"fingerprints"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	for _, fp := range doc.Fingerprints {
		if err := fp.compile(); err != nil {
			return nil, fmt.Errorf("fingerprint %q: %w", fp.ID, err)
		}
	}
	return doc.Fingerprints, nil
}

func (f *Fingerprint) compile() error {
	switch {
	case !idRE.MatchString(f.ID):
		return fmt.Errorf("bad id")
	case f.Name == "":
		return fmt.Errorf("no name")
	case !slices.Contains(types, f.Type):
		return fmt.Errorf("type %q not one of %v", f.Type, types)
	case f.CPE != "" && !cpeRE.MatchString(f.CPE):
		return fmt.Errorf("cpe %q is not vendor:product", f.CPE)
	case !purlRE.MatchString(f.PURL):
		return fmt.Errorf("purl %q is not pkg:type/name", f.PURL)
	case f.Source == "":
		return fmt.Errorf("no source")
	case len(f.Strings)+len(f.Names)+len(f.SONAMEs)+len(f.Packages) == 0:
		return fmt.Errorf("nothing to match")
	}
	for _, g := range f.Files {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "x"), ""); err != nil {
			return fmt.Errorf("glob %q: %w", g, err)
		}
	}
	for i := range f.Strings {
		p := &f.Strings[i]
		if len(p.Keyword) < 3 {
			return fmt.Errorf("keyword %q shorter than 3 bytes", p.Keyword)
		}
		re, err := regexp.Compile(p.Regex)
		if err != nil {
			return err
		}
		p.re = re
		switch p.Encoding {
		case "":
			p.keyword = []byte(p.Keyword)
		case "utf-16le":
			for _, u := range utf16.Encode([]rune(p.Keyword)) {
				p.keyword = append(p.keyword, byte(u), byte(u>>8))
			}
		default:
			return fmt.Errorf("encoding %q", p.Encoding)
		}
		if p.Window < 0 || p.Window > MaxWindow {
			return fmt.Errorf("window %d not in 0..%d", p.Window, MaxWindow)
		}
		if p.FilesOnly && len(f.Files) == 0 {
			return fmt.Errorf("files_only pattern without files")
		}
	}
	for _, s := range f.Names {
		re, err := regexp.Compile(s)
		if err != nil {
			return err
		}
		f.names = append(f.names, re)
	}
	for _, s := range f.SONAMEs {
		re, err := regexp.Compile(s)
		if err != nil {
			return err
		}
		f.sonames = append(f.sonames, re)
	}
	return nil
}
