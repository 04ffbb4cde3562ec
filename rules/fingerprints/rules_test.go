package fingerprints

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// untested lists the fingerprints with string patterns that no real binary
// snippet proves yet, and why. The test fails when one gains a snippet (so
// it leaves this list) or when a new fingerprint lacks one.
var untested = map[string]string{
	"libressl": "not packaged in Debian 12 (libtls26 is libretls on OpenSSL); the pattern matched a local build of LibreSSL 4.3.2 (\"LibreSSL 4.3.2\\0\" in libcrypto), but a binary built from fetched sources may not be committed",
	"goahead":  "not packaged in Debian; the v3+ pattern matched a local build of GoAhead 6.1.0 (libgo.so), but a binary built from fetched sources may not be committed; no corpus image has it",
	"thttpd":   "not packaged in Debian 12; no source at hand to build; no corpus image has it",
	"boa":      "not packaged in Debian 12; no source at hand to build; no corpus image has it",
}

var headerRE = regexp.MustCompile(`^# fwstar-snippet origin=(\S+) sha256=([0-9a-f]{64}) offset=(\d+) length=(\d+)$`)

func TestLoad(t *testing.T) {
	fps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(fps) < 60 {
		t.Errorf("%d fingerprints, want at least 60", len(fps))
	}
	for _, fp := range fps {
		if fp.CPE != "" && !strings.HasPrefix(fp.CPE23("1.0"), "cpe:2.3:") {
			t.Errorf("%s: bad CPE", fp.ID)
		}
	}
}

// TestSnippets runs every fingerprint over the bytes carved from real
// binaries (gen.sh) and checks the version the file name promises.
func TestSnippets(t *testing.T) {
	fps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*Fingerprint{}
	for _, fp := range fps {
		byID[fp.ID] = fp
	}
	files, _ := filepath.Glob("../testdata/fingerprints/*/*.snippet")
	if len(files) < 40 {
		t.Fatalf("only %d snippets", len(files))
	}
	proven := map[string]bool{}
	for _, name := range files {
		id := filepath.Base(filepath.Dir(name))
		fp := byID[id]
		if fp == nil {
			t.Errorf("%s: no fingerprint %q", name, id)
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := bytes.Cut(b, []byte("\n"))
		m := headerRE.FindSubmatch(head)
		if m == nil || string(m[4]) != strconv.Itoa(len(body)) {
			t.Errorf("%s: bad header %q or length", name, head)
			continue
		}
		want, ok := snippetVersion(filepath.Base(name))
		if !ok {
			t.Errorf("%s: name is not VERSION-ARCH.snippet", name)
			continue
		}
		ok = false
		for i := range fp.Strings {
			if v, _, _, found := fp.Strings[i].Find(body); found && v == want {
				ok = true
				break
			}
		}
		if !ok {
			t.Errorf("%s: no pattern of %s finds version %q", name, id, want)
		}
		proven[id] = true
	}
	for _, fp := range fps {
		if len(fp.Strings) == 0 {
			continue
		}
		_, excused := untested[fp.ID]
		switch {
		case !proven[fp.ID] && !excused:
			t.Errorf("%s: no snippet proves its patterns", fp.ID)
		case proven[fp.ID] && excused:
			t.Errorf("%s: has a snippet now; drop it from untested", fp.ID)
		}
	}
	for id := range untested {
		if byID[id] == nil {
			t.Errorf("untested lists unknown %q", id)
		}
	}
}

// TestCounterexamples runs each fingerprint over bytes of other software
// (counter/<id>/<label>-<arch>.snippet, carved by gen.sh from counter.txt)
// that its keyword or version shape also fits; none may match.
func TestCounterexamples(t *testing.T) {
	fps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../testdata/fingerprints/counter/*/*.snippet")
	if len(files) < 4 {
		t.Fatalf("only %d counterexamples", len(files))
	}
	for _, name := range files {
		id := filepath.Base(filepath.Dir(name))
		i := slices.IndexFunc(fps, func(f *Fingerprint) bool { return f.ID == id })
		if i < 0 {
			t.Errorf("%s: no fingerprint %q", name, id)
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		head, body, _ := bytes.Cut(b, []byte("\n"))
		if m := headerRE.FindSubmatch(head); m == nil || string(m[4]) != strconv.Itoa(len(body)) {
			t.Errorf("%s: bad header %q or length", name, head)
			continue
		}
		if _, ok := snippetVersion(filepath.Base(name)); !ok {
			t.Errorf("%s: name is not LABEL-ARCH.snippet", name)
		}
		for j := range fps[i].Strings {
			if v, _, _, found := fps[i].Strings[j].Find(body); found {
				t.Errorf("%s: pattern %d of %s finds %q", name, j, id, v)
			}
		}
	}
}

// arches are the labels snippet names end with.
var arches = []string{"x86_64-utf16", "x86_64", "mipsel", "mips", "armel", "arm", "ppc"}

// snippetVersion reads "2.6-devel-mips.snippet" as "2.6-devel"; versions
// may hold "-", so the known arch label is cut from the end.
// "unversioned" is a presence-only pattern's empty version.
func snippetVersion(name string) (string, bool) {
	base := strings.TrimSuffix(name, ".snippet")
	for _, a := range arches {
		if v, ok := strings.CutSuffix(base, "-"+a); ok {
			if v == "unversioned" {
				v = ""
			}
			return v, true
		}
	}
	return "", false
}

// TestNames checks the file-name regexes on the real names the corpus images
// carry (OpenWrt 15.05.1 and Buildroot 2021.02.3 /lib, Debian initrd).
func TestNames(t *testing.T) {
	fps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ id, file, version string }{
		{"uclibc", "libuClibc-0.9.33.2.so", "0.9.33.2"},
		{"uclibc", "ld-uClibc-0.9.33.2.so", "0.9.33.2"},
		{"uclibc-ng", "libuClibc-1.0.38.so", "1.0.38"},
		{"json-c", "libjson-c.so.2.0.1", ""},
	}
	for _, c := range cases {
		i := slices.IndexFunc(fps, func(f *Fingerprint) bool { return f.ID == c.id })
		if i < 0 {
			t.Fatalf("no %s", c.id)
		}
		if v, ok := fps[i].MatchName(c.file); !ok || v != c.version {
			t.Errorf("%s on %s: %q %v", c.id, c.file, v, ok)
		}
	}
	// uClibc-ng's names must not claim uClibc 0.9 files and the reverse.
	for _, fp := range fps {
		if fp.ID == "uclibc-ng" {
			if _, ok := fp.MatchName("libuClibc-0.9.33.2.so"); ok {
				t.Error("uclibc-ng matches a uClibc 0.9 file")
			}
		}
	}
}
