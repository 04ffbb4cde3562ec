package sbom

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// maxDB caps how much of a package database or metadata file is read.
const maxDB = 32 << 20

// pkgEntry is one package a database or metadata file lists.
type pkgEntry struct {
	eco        string // "deb", "opkg", "apk", "pypi", "npm", "golang"
	name       string
	version    string
	arch       string
	license    string
	purl       string
	typ        string   // component type
	layerChunk string   // layer of the chunk holding the database
	files      []string // layer paths of the files it owns
	ev         model.Evidence
}

// native tells whether the entry comes from a system package manager, whose
// names the fingerprints' package lists use.
func (p *pkgEntry) native() bool {
	return p.eco == "deb" || p.eco == "opkg" || p.eco == "apk"
}

// cataloger parses the files matching globs.
type cataloger struct {
	globs []string
	parse func(t *model.Tree, f *model.File) []*pkgEntry
}

// catalogers lists every package database and metadata parser.
var catalogers = []cataloger{
	{[]string{"var/lib/dpkg/status", "var/lib/dpkg/status.d/*"}, parseDpkg},
	{[]string{"usr/lib/opkg/status", "var/lib/opkg/status", "usr/lib/opkg/info/*.control", "var/lib/opkg/info/*.control"}, parseOpkg},
	{[]string{"**/*.ipk"}, parseIPK},
	{[]string{"lib/apk/db/installed"}, parseApk},
	{[]string{"**/*.dist-info/METADATA", "**/*.egg-info/PKG-INFO", "**/*.egg-info"}, parsePython},
	{[]string{"**/node_modules/*/package.json", "**/node_modules/@*/*/package.json"}, parseNpm},
}

// paragraph is one stanza of a Debian-style control file.
type paragraph struct {
	fields map[string]string
	offset int64 // of its first byte
	line   int   // 1-based line of its first field
}

// paragraphs splits a control file (dpkg status, opkg status, .control) into
// stanzas. Continuation lines (leading space or tab) join the field before.
func paragraphs(b []byte) []paragraph {
	var out []paragraph
	var cur *paragraph
	var last string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var off int64
	line := 0
	for sc.Scan() {
		l := sc.Text()
		lineOff := off
		off += int64(len(sc.Bytes())) + 1
		line++
		if strings.TrimSpace(l) == "" {
			cur = nil
			continue
		}
		if l[0] == ' ' || l[0] == '\t' {
			if cur != nil && last != "" {
				cur.fields[last] += "\n" + strings.TrimSpace(l)
			}
			continue
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if cur == nil {
			out = append(out, paragraph{fields: map[string]string{}, offset: lineOff, line: line})
			cur = &out[len(out)-1]
		}
		last = strings.TrimSpace(k)
		cur.fields[last] = strings.TrimSpace(v)
	}
	return out
}

// evidenceAt is the evidence of a record of a text file.
func evidenceAt(f *model.File, off int64, line int) model.Evidence {
	return model.Evidence{Path: f.Path, Offset: off, Line: line, SHA256: f.Entry.SHA256}
}

// ownedFiles reads a package's file list (dpkg info/<pkg>.list, opkg
// info/<pkg>.list) into layer paths.
func ownedFiles(t *model.Tree, f *model.File, list string) []string {
	lf := t.Lookup(f, list)
	if lf == nil || !lf.Regular() {
		return nil
	}
	b, err := t.ReadFile(lf, maxDB)
	if err != nil {
		return nil
	}
	var out []string
	for l := range strings.SplitSeq(string(b), "\n") {
		l = strings.TrimSpace(l)
		if p, _, ok := strings.Cut(l, "\t"); ok { // opkg lists "path\tmode"
			l = p
		}
		if strings.HasPrefix(l, "/") && l != "/" && l != "/." {
			out = append(out, f.Chunk.Layer+"/"+strings.TrimPrefix(l, "/"))
		}
	}
	return out
}
