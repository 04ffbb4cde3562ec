package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const nvdDir = "../../../rules/vulns/nvd"

func open(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "vulns.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func total(rs []FileResult, t *testing.T) Counts {
	var c Counts
	for _, r := range rs {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Path, r.Err)
		}
		c.add(r.Counts)
	}
	return c
}

// The real NVD records, imported twice: the second import changes nothing.
func TestImportIdempotent(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	rs, err := s.Import(ctx, nvdDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := total(rs, t); c != (Counts{Added: 17}) || len(rs) != 1 || rs[0].Format != "nvd" {
		t.Fatalf("first import: %+v in %d files", c, len(rs))
	}
	rs, _ = s.Import(ctx, nvdDir, nil)
	if c := total(rs, t); c != (Counts{Unchanged: 17}) {
		t.Fatalf("second import: %+v", c)
	}
	recs, err := s.Lookup(ctx, []string{"busybox:busybox"})
	if err != nil || len(recs) != 4 || recs[0].ID != "CVE-2016-2148" {
		t.Fatalf("lookup busybox: %d records, %v", len(recs), err)
	}
	st, err := s.Status(ctx)
	if err != nil || st.Records["nvd"] != 17 || st.Newest["nvd"] != "2026-06-17T05:47:45.783" || len(st.LastImports) != 2 {
		t.Fatalf("status %+v %v", st, err)
	}
}

// A record with a newer lastModified replaces the stored one; an older one
// does not (incremental imports of overlapping feeds).
func TestImportIncremental(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	src, err := os.ReadFile(filepath.Join(nvdDir, "CVE-2021-28831.json"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("a.json", string(src))
	if rs, _ := s.Import(ctx, p, nil); total(rs, t).Added != 1 {
		t.Fatal("not added")
	}
	// Mutation of one named field: lastModified moved later, and the range
	// end changed, as NVD does when it re-analyses a record.
	newer := strings.Replace(strings.Replace(string(src), `"2025-12-17T22:15:56.290"`, `"2026-01-01T00:00:00.000"`, 1), `"1.32.1"`, `"1.33.0"`, 1)
	if rs, _ := s.Import(ctx, write("b.json", newer), nil); total(rs, t).Updated != 1 {
		t.Fatal("newer record not taken")
	}
	if rs, _ := s.Import(ctx, p, nil); total(rs, t).Unchanged != 1 {
		t.Fatal("older record replaced the newer")
	}
	recs, _ := s.Lookup(ctx, []string{"busybox:busybox"})
	if len(recs) != 1 || recs[0].Configurations[0].Nodes[0].Matches[0].EndIncluding != "1.33.0" {
		t.Fatalf("stored %+v", recs)
	}
}

// Compressed feed files (gzip as NVD ships, xz as fkie-cad ships) and the
// KEV and EPSS readers into their tables. Format test: the inputs restate
// facts of the real records in each file format.
func TestImportCompressedKEVEPSS(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	dir := t.TempDir()
	src, _ := os.ReadFile(filepath.Join(nvdDir, "CVE-2016-2148.json"))
	feed := `{"format":"NVD_CVE","version":"2.0","vulnerabilities":[{"cve":` + string(src) + `}]}`
	if err := os.WriteFile(filepath.Join(dir, "nvd.json"), []byte(feed), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]string{{"gzip", "-k", "nvd.json"}, {"xz", "-k", "nvd.json"}} {
		if err := runIn(dir, cmd...); err != nil {
			t.Skipf("%s: %v", cmd[0], err)
		}
	}
	os.Remove(filepath.Join(dir, "nvd.json"))
	os.WriteFile(filepath.Join(dir, "kev.csv"), []byte("cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\nCVE-2021-22555,Linux,Kernel,x,2025-10-06,x,x,2025-10-27,Unknown,,\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "epss.csv"), []byte("#model_version:v2025.03.14,score_date:2025-10-06T00:00:00Z\ncve,epss,percentile\nCVE-2021-22555,0.8412,0.9926\n"), 0o644)
	rs, err := s.Import(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One NVD record (twice: .gz and .xz), one KEV entry, one EPSS score.
	if c := total(rs, t); c != (Counts{Added: 3, Unchanged: 1}) || len(rs) != 1 {
		t.Fatalf("imports %+v: %+v", rs, c)
	}
	k, err := s.KEV(ctx, "CVE-2021-22555")
	if err != nil || k == nil || k.Due != "2025-10-27" {
		t.Fatalf("kev %+v %v", k, err)
	}
	e, err := s.EPSS(ctx, "CVE-2021-22555")
	if err != nil || e == nil || e.Score != 0.8412 || e.Percentile != 0.9926 {
		t.Fatalf("epss %+v %v", e, err)
	}
	if e, _ := s.EPSS(ctx, "CVE-2016-2148"); e != nil {
		t.Fatal("EPSS for an unscored CVE")
	}
}

// A broken file is reported and the others still import.
func TestImportBrokenFile(t *testing.T) {
	s := open(t)
	dir := t.TempDir()
	src, _ := os.ReadFile(filepath.Join(nvdDir, "CVE-2016-2148.json"))
	os.WriteFile(filepath.Join(dir, "good.json"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "bad.json"), src[:len(src)/2], 0o644)
	os.WriteFile(filepath.Join(dir, "other.json"), []byte(`{"hello":"world"}`), 0o644)
	rs, err := s.Import(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 || rs[0].Added != 1 || rs[1].Err == nil || rs[2].Err == nil {
		t.Fatalf("%+v", rs)
	}
}

// A real CVE 5 record whose CNA names no product ("n/a") imports as a CVE 5
// record but adds no lookup key: only NVD's record of the same CVE carries a
// version range, so busybox still finds exactly the four NVD records.
func TestImportRealCVE5WithoutProduct(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.Import(ctx, nvdDir, nil); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Import(ctx, "testdata/cve5/CVE-2022-48174.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := total(rs, t); c.Added != 1 || len(rs) != 1 || rs[0].Format != "cve5" {
		t.Fatalf("import: %+v, format %q", c, rs[0].Format)
	}
	st, err := s.Status(ctx)
	if err != nil || st.Records["cve5"] != 1 || st.Records["nvd"] != 17 {
		t.Fatalf("status %+v %v", st, err)
	}
	recs, err := s.Lookup(ctx, []string{"busybox:busybox"})
	if err != nil || len(recs) != 4 {
		t.Fatalf("lookup busybox: %d records, %v", len(recs), err)
	}
}
