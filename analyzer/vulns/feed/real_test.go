package feed

import (
	"bytes"
	"os"
	"testing"

	"github.com/fwstar/fwstar/samples"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Real files as their publishers ship them (testdata/README.md says where
// each came from; the trimmed CISA KEV catalogs are kept beside the
// repository in ../shared/data/cisagov-kev): the readers must take them as
// they are.

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GHSA-vvpx-j8f3-3w6h: GitHub's OSV 1.4.0 record of CVE-2022-41723 in
// golang.org/x/net, "introduced 0, fixed 0.7.0" in the Go ecosystem.
func TestRealOSVGoModule(t *testing.T) {
	var recs []*Record
	format, err := Read(bytes.NewReader(readFile(t, "testdata/osv/GHSA-vvpx-j8f3-3w6h.json")), nil,
		Handler{Record: func(r *Record) error { recs = append(recs, r); return nil }})
	if err != nil || format != FormatOSV || len(recs) != 1 {
		t.Fatalf("format %q, %d records, %v", format, len(recs), err)
	}
	r := recs[0]
	if r.ID != "GHSA-vvpx-j8f3-3w6h" || r.Source != SourceOSV || len(r.Aliases) != 1 || r.Aliases[0] != "CVE-2022-41723" ||
		r.Published != "2023-02-17T14:00:02Z" || r.LastModified != "2023-03-01T01:11:59Z" || r.Description != "Uncontrolled Resource Consumption" {
		t.Fatalf("%+v", r)
	}
	// "severity": [] — GitHub's own rating (database_specific LOW) is no
	// CVSS vector, so the record stays unscored.
	if len(r.CVSS) != 0 || r.Severity().String() != "medium" {
		t.Errorf("CVSS %v, severity %v", r.CVSS, r.Severity())
	}
	if k := r.Keys(); len(k) != 1 || k[0] != "pkg:golang/golang.org/x/net" {
		t.Fatalf("keys %v", k)
	}
	// OSV writes Go versions without the "v" that module versions carry.
	m := r.Configurations[0].Nodes[0].Matches
	if len(m) != 1 || !m[0].Vulnerable || m[0].Range != (Range{EndExcluding: "v0.7.0"}) {
		t.Fatalf("matches %+v", m)
	}
	// The Go vulnerability database's stdlib pseudo-module keeps Go release
	// numbers as they are.
	std := bytes.Replace(readFile(t, "testdata/osv/GHSA-vvpx-j8f3-3w6h.json"), []byte(`"golang.org/x/net"`), []byte(`"stdlib"`), 1)
	r, err = ParseOSV(std)
	if err != nil || r.Configurations[0].Nodes[0].Matches[0].EndExcluding != "0.7.0" || r.Keys()[0] != "pkg:golang/stdlib" {
		t.Fatalf("stdlib: %+v %v", r, err)
	}
}

// kevSchema compiles CISA's own JSON schema for the catalog.
func kevSchema(t *testing.T) *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(readFile(t, "testdata/kev/known_exploited_vulnerabilities_schema.json")))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("kev-schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("kev-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validKEV(t *testing.T, s *jsonschema.Schema, p string) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(readFile(t, p)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("%s: %v", p, err)
	}
}

// The first page of the real catalog (its header and first 15 entries)
// conforms to CISA's schema and reads entry by entry, text trimmed.
func TestRealKEVPage(t *testing.T) {
	const p = "testdata/kev/known_exploited_vulnerabilities.page1.json"
	validKEV(t, kevSchema(t), p)
	m := map[string]KEV{}
	format, err := Read(bytes.NewReader(readFile(t, p)), nil, Handler{KEV: func(id string, k KEV) error { m[id] = k; return nil }})
	if err != nil || format != FormatKEVJSON || len(m) != 15 {
		t.Fatalf("format %q, %d entries, %v", format, len(m), err)
	}
	want := KEV{Added: "2025-02-11", Due: "2025-03-04", Ransomware: "Unknown", Name: "Zyxel DSL CPE OS Command Injection Vulnerability",
		Action: "The impacted product could be end-of-life (EoL) and/or end-of-service (EoS). Users should discontinue product utilization if a current mitigation is unavailable."}
	if k := m["CVE-2024-40891"]; k != want {
		t.Errorf("CVE-2024-40891: %+v\nwant %+v", k, want)
	}
	if k := m["CVE-2023-34192"]; k.Added != "2025-02-25" || k.Due != "2025-03-18" {
		t.Errorf("CVE-2023-34192: %+v", k)
	}
}

// The trimmed real KEV catalogs kept in ../shared/data conform too.
func TestRealKEVSchema(t *testing.T) {
	s := kevSchema(t)
	for _, p := range []string{samples.SharedData(t, "cisagov-kev/known_exploited_vulnerabilities.json"),
		samples.SharedData(t, "cisagov-kev/2025.05.22/known_exploited_vulnerabilities.json")} {
		validKEV(t, s, p)
	}
}

// The catalog's JSON and CSV of the same day give the same entries.
func TestRealKEV(t *testing.T) {
	got := map[string]map[string]KEV{}
	for p, want := range map[string]string{
		samples.SharedData(t, "cisagov-kev/known_exploited_vulnerabilities.json"): FormatKEVJSON,
		samples.SharedData(t, "cisagov-kev/known_exploited_vulnerabilities.csv"):  FormatKEVCSV,
	} {
		m := map[string]KEV{}
		format, err := Read(bytes.NewReader(readFile(t, p)), nil, Handler{KEV: func(id string, k KEV) error { m[id] = k; return nil }})
		if err != nil || format != want || len(m) != 7 {
			t.Fatalf("%s: format %q, %d entries, %v", p, format, len(m), err)
		}
		got[format] = m
	}
	for id, k := range got[FormatKEVJSON] {
		if got[FormatKEVCSV][id] != k {
			t.Errorf("%s: JSON %+v, CSV %+v", id, k, got[FormatKEVCSV][id])
		}
	}
	want := map[string]KEV{
		"CVE-2023-4911": {Added: "2023-11-21", Due: "2023-12-12", Ransomware: "Unknown", Name: "GNU C Library Buffer Overflow Vulnerability",
			Action: "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable."},
		// The catalog's name ends in a space; stored trimmed.
		"CVE-2017-1000253": {Added: "2024-09-09", Due: "2024-09-30", Ransomware: "Known", Name: "Linux Kernel PIE Stack Buffer Corruption Vulnerability",
			Action: "Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable."},
		// In the first catalog (2021-11-03), with the six-month due date it had.
		"CVE-2020-29583": {Added: "2021-11-03", Due: "2022-05-03", Ransomware: "Unknown", Name: "Zyxel Multiple Products Use of Hard-Coded Credentials Vulnerability",
			Action: "Apply updates per vendor instructions."},
	}
	for id, w := range want {
		if k := got[FormatKEVJSON][id]; k != w {
			t.Errorf("%s: %+v\nwant %+v", id, k, w)
		}
	}
}

// FIRST's EPSS CSV: the "#model_version:...,score_date:..." line, the
// header, and the rows.
func TestRealEPSS(t *testing.T) {
	var es []EPSS
	format, err := Read(bytes.NewReader(readFile(t, "testdata/epss/epss_scores-current.head.csv")), nil,
		Handler{EPSS: func(e EPSS) error { es = append(es, e); return nil }})
	if err != nil || format != FormatEPSS || len(es) != 16 {
		t.Fatalf("format %q, %d scores, %v", format, len(es), err)
	}
	for i, w := range map[int]EPSS{
		0:  {CVE: "CVE-1999-0001", Score: 0.03351, Percentile: 0.88255, Date: "2026-09-29T12:00:22Z"},
		10: {CVE: "CVE-1999-0011", Score: 0.05469, Percentile: 0.9248, Date: "2026-09-29T12:00:22Z"},
		15: {CVE: "CVE-1999-0016", Score: 0.95739, Percentile: 0.99871, Date: "2026-09-29T12:00:22Z"},
	} {
		if es[i] != w {
			t.Errorf("row %d: %+v, want %+v", i, es[i], w)
		}
	}
}
