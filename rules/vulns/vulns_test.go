package vulns

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/rules/fingerprints"
)

// The committed baseline must be exactly what the generator makes from the
// committed inputs, so it cannot drift from nvd/*.json and eol.yaml.
func TestBaselineUpToDate(t *testing.T) {
	want, err := Generate(os.DirFS("."))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(baselineJSON, want) {
		t.Fatal("baseline.json is stale: run `go run ./rules/vulns/gen`")
	}
	if len(baselineJSON) > 300<<10 {
		t.Errorf("baseline.json is %d bytes; keep it a few hundred KB at most", len(baselineJSON))
	}
}

func TestLoad(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Records) != 17 || b.Generated != "2026-11-26" || len(b.Products) == 0 {
		t.Fatalf("baseline: %d records, generated %s, %d products", len(b.Records), b.Generated, len(b.Products))
	}
	noConf := 0
	for _, r := range b.Records {
		if len(r.Configurations) == 0 {
			noConf++
		}
	}
	if noConf != 1 { // CVE-2023-4911, Awaiting Analysis
		t.Errorf("%d records without configurations", noConf)
	}
	if _, err := Kernel(); err != nil {
		t.Fatal(err)
	}
}

// Every alias and product names a vendor:product that a fingerprint emits,
// so the SBOM's CPEs reach the data.
func TestAliasesCoverFingerprints(t *testing.T) {
	fps, err := fingerprints.Load()
	if err != nil {
		t.Fatal(err)
	}
	emitted := map[string]bool{}
	for _, fp := range fps {
		emitted[fp.CPE] = true
	}
	as, err := Aliases()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range as {
		if !emitted[a.CPE] {
			t.Errorf("alias %s: no fingerprint emits this vendor:product", a.CPE)
		}
	}
	b, _ := Load()
	for _, p := range b.Products {
		if !emitted[p.CPE] {
			t.Errorf("eol product %s: no fingerprint emits this vendor:product", p.CPE)
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	for name, eol := range map[string]string{
		"unknown field":  "checked: 2026-11-26\nproducts:\n  - {cpe: a:b, name: x, source: y, bogus: 1}\n",
		"no source":      "checked: 2026-11-26\nproducts:\n  - {cpe: a:b, name: x}\n",
		"bad date":       "checked: 2026-11-26\nproducts:\n  - {cpe: a:b, name: x, source: y, eol: soon}\n",
		"release order":  "checked: 2026-11-26\nproducts:\n  - {cpe: a:b, name: x, source: y, releases: [{version: '2.10', date: 2022-01-01}, {version: '2.9', date: 2019-01-01}]}\n",
		"last off line":  "checked: 2026-11-26\nproducts:\n  - {cpe: a:b, name: x, source: y, lines: [{line: '4.4', eol: 2022-02, last: 4.9.1}]}\n",
		"no vendor":      "checked: 2026-11-26\nproducts:\n  - {cpe: b, name: x, source: y}\n",
		"checked absent": "products: []\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(dir+"/eol.yaml", []byte(eol), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Generate(os.DirFS(dir)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Every eol.yaml product names its source, and the source either cites
// the record it was checked against at a commit or says that it was not
// checked: a fact without a source cannot be re-checked.
func TestEOLSources(t *testing.T) {
	raw, err := os.ReadFile("eol.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var eol struct {
		Checked  string    `yaml:"checked"`
		Products []Product `yaml:"products"`
	}
	if err := decodeStrict(raw, &eol); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"linux:linux_kernel": "endoflife.date", "openssl:openssl": "endoflife.date",
		"busybox:busybox": "project", "dropbear_ssh_project:dropbear_ssh": "project",
		"gnu:glibc": "project", "zlib:zlib": "project", "uclibc-ng_project:uclibc-ng": "project",
		"thekelleys:dnsmasq": "unchecked", "w1.fi:hostapd": "unchecked", "uclibc:uclibc": "unchecked",
	}
	for _, p := range eol.Products {
		got := sourceKind(p.Source)
		if got == "" {
			t.Errorf("%s (%s): source %q neither cites a record at a commit nor says it was not checked", p.CPE, p.Name, p.Source)
		}
		if got != want[p.CPE] {
			t.Errorf("%s: source is %q, want %q", p.CPE, got, want[p.CPE])
		}
	}
	if len(eol.Products) != len(want) {
		t.Errorf("%d products, want %d", len(eol.Products), len(want))
	}
}

var (
	// An endoflife.date product file at a commit of its repository.
	eolDateCite = regexp.MustCompile(`endoflife\.date products/[a-z0-9-]+\.md at commit [0-9a-f]{40}\b`)
	// A project's own record: a changelog file (CHANGES, ChangeLog,
	// CHANGELOG, NEWS) or its release tags, then, within the same clause,
	// "at <owner>/<repository> commit <40 hex digits>".
	projectCite = regexp.MustCompile(`\b(?:CHANGES|ChangeLog|CHANGELOG|NEWS|tags)\b[^;]{0,200} at [A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+ commit [0-9a-f]{40}\b`)
)

// sourceKind classifies an eol.yaml source: "endoflife.date" or "project"
// for one citing a record at a commit (a source may also say that some of
// its facts were not checked), "unchecked" for one that says it was not
// checked, "" for anything else.
func sourceKind(s string) string {
	switch {
	case eolDateCite.MatchString(s):
		return "endoflife.date"
	case projectCite.MatchString(s):
		return "project"
	case strings.Contains(s, "not checked against a published source"):
		return "unchecked"
	}
	return ""
}

func TestSourceKind(t *testing.T) {
	const c = "1442f00d3f0d755d9f8ba83c5edcd893aa4d71db"
	for s, want := range map[string]string{
		"":    "",
		"   ": "",
		"Dropbear CHANGES (https://matt.ucc.asn.au/dropbear/CHANGES)": "",
		"written from memory":                                                     "",
		"Dropbear CHANGES at mkj/dropbear commit 1442f00d":                        "", // short hash
		"Dropbear CHANGES at mkj/dropbear commit " + c + "0":                      "", // 41 digits
		"checked at mkj/dropbear commit " + c:                                     "", // names no record
		"Dropbear CHANGES; see mkj/dropbear commit " + c:                          "", // no "at"
		"Dropbear CHANGES; read at mkj/dropbear commit " + c:                      "", // record in another clause
		"Dropbear CHANGES at commit " + c:                                         "", // no repository
		"Dropbear CHANGES and tags at mkj/dropbear commit " + c + " (main)":       "project",
		"glibc release tags glibc-2.36 to glibc-2.42 at bminor/glibc commit " + c: "project",
		"endoflife.date products/openssl.md at commit " + c:                       "endoflife.date",
		"endoflife.date products/openssl.md at commit " + c[:39]:                  "",
		"uclibc.org: not checked against a published source":                      "unchecked",
	} {
		if got := sourceKind(s); got != want {
			t.Errorf("sourceKind(%q) = %q, want %q", s, got, want)
		}
	}
}
