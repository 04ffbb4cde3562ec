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
// the endoflife.date file and commit it was checked against or says that
// it was not checked: a fact without a source cannot be re-checked.
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
	commit := regexp.MustCompile(`endoflife\.date products/[a-z0-9-]+\.md at commit [0-9a-f]{40}`)
	checked := 0
	for _, p := range eol.Products {
		switch {
		case strings.TrimSpace(p.Source) == "":
			t.Errorf("%s (%s): no source", p.CPE, p.Name)
		case commit.MatchString(p.Source):
			checked++
		case !strings.Contains(p.Source, "not checked against a published source"):
			t.Errorf("%s: source %q neither cites an endoflife.date file at a commit nor says it was not checked", p.CPE, p.Source)
		}
	}
	if len(eol.Products) != 9 || checked != 2 {
		t.Errorf("%d products, %d checked against endoflife.date", len(eol.Products), checked)
	}
}
