package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/samples"
)

// Real EPSS and OSV files (analyzer/vulns/feed/testdata/README.md says
// where each came from), and trimmed real CISA KEV catalogs kept beside the
// repository in ../shared/data/cisagov-kev (tests skip without them).
const (
	realDir  = "../feed/testdata/"
	kevPage  = realDir + "kev/known_exploited_vulnerabilities.page1.json"
	epssCSV  = realDir + "epss/epss_scores-current.head.csv"
	osvGHSA  = realDir + "osv/GHSA-vvpx-j8f3-3w6h.json"
	epssDate = "2026-09-29T12:00:22Z"
)

// kev is a trimmed real KEV catalog file (2025.05.22/ holds the older one).
func kev(t *testing.T, name string) string {
	return samples.SharedData(t, "cisagov-kev/"+name)
}

func importOne(t *testing.T, s *Store, p, format string) Counts {
	t.Helper()
	rs, err := s.Import(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Format != format {
		t.Fatalf("%s: %+v", p, rs)
	}
	return total(rs, t)
}

// Each real file imports, a second import changes nothing, and db status
// counts what is there.
func TestImportRealFiles(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	for _, c := range []struct {
		path, format string
		n            int
	}{
		{kevPage, "kev-json", 15}, {epssCSV, "epss", 16}, {osvGHSA, "osv", 1},
	} {
		if got := importOne(t, s, c.path, c.format); got != (Counts{Added: c.n}) {
			t.Errorf("%s first import: %+v", c.path, got)
		}
		if got := importOne(t, s, c.path, c.format); got != (Counts{Unchanged: c.n}) {
			t.Errorf("%s second import: %+v", c.path, got)
		}
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Records) != 1 || st.Records["osv"] != 1 || st.Newest["osv"] != "2023-03-01T01:11:59Z" ||
		st.KEV != 15 || st.EPSS != 16 || st.EPSSDate != epssDate || len(st.LastImports) != 6 {
		t.Fatalf("status %+v", st)
	}
	// KEV flags land on the catalog's CVEs only; trailing spaces trimmed.
	if k, _ := s.KEV(ctx, "CVE-2024-40890"); k == nil || k.Added != "2025-02-11" || k.Name != "Zyxel DSL CPE OS Command Injection Vulnerability" {
		t.Errorf("KEV CVE-2024-40890: %+v", k)
	}
	if k, _ := s.KEV(ctx, "CVE-1999-0001"); k != nil {
		t.Errorf("KEV CVE-1999-0001: %+v", k)
	}
	// EPSS scores land on their CVEs, with the file's score date.
	for id, want := range map[string][2]float64{"CVE-1999-0001": {0.03351, 0.88255}, "CVE-1999-0016": {0.95739, 0.99871}} {
		e, err := s.EPSS(ctx, id)
		if err != nil || e == nil || e.Score != want[0] || e.Percentile != want[1] || e.Date != epssDate {
			t.Errorf("EPSS %s: %+v %v", id, e, err)
		}
	}
	if e, _ := s.EPSS(ctx, "CVE-2023-4911"); e != nil {
		t.Errorf("EPSS for a CVE the file does not score: %+v", e)
	}
	// The OSV record is found under its Go module's package key.
	recs, err := s.Lookup(ctx, []string{"pkg:golang/golang.org/x/net"})
	if err != nil || len(recs) != 1 || recs[0].ID != "GHSA-vvpx-j8f3-3w6h" || recs[0].Aliases[0] != "CVE-2022-41723" {
		t.Fatalf("lookup: %+v %v", recs, err)
	}
}

// The real KEV catalog imports idempotently from JSON and CSV alike, and its
// flags land on the catalog's CVEs only.
func TestImportRealKEV(t *testing.T) {
	ctx := context.Background()
	kevJSON, kevCSV := kev(t, "known_exploited_vulnerabilities.json"), kev(t, "known_exploited_vulnerabilities.csv")
	s := open(t)
	if got := importOne(t, s, kevJSON, "kev-json"); got != (Counts{Added: 7}) {
		t.Errorf("first import: %+v", got)
	}
	if got := importOne(t, s, kevJSON, "kev-json"); got != (Counts{Unchanged: 7}) {
		t.Errorf("second import: %+v", got)
	}
	// The same day's CSV holds the same entries as the JSON.
	if got := importOne(t, s, kevCSV, "kev-csv"); got != (Counts{Unchanged: 7}) {
		t.Errorf("KEV CSV after JSON: %+v", got)
	}
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.KEV != 7 || len(st.LastImports) != 3 {
		t.Fatalf("status %+v", st)
	}
	if im := st.LastImports[0]; im.Path != kevCSV || im.Format != "kev-csv" || im.Unchanged != 7 {
		t.Errorf("last import %+v", im)
	}
	k, err := s.KEV(ctx, "CVE-2023-4911")
	if err != nil || k == nil || k.Added != "2023-11-21" || k.Due != "2023-12-12" || k.Name != "GNU C Library Buffer Overflow Vulnerability" {
		t.Errorf("KEV CVE-2023-4911: %+v %v", k, err)
	}
	if k, _ := s.KEV(ctx, "CVE-2017-1000253"); k == nil || k.Ransomware != "Known" {
		t.Errorf("KEV CVE-2017-1000253: %+v", k)
	}
	// CISA added CVE-2021-22555 on 2025-10-06, after this catalog (2025.08.25).
	for _, id := range []string{"CVE-2021-22555", "CVE-2022-41723", "CVE-1999-0001"} {
		if k, _ := s.KEV(ctx, id); k != nil {
			t.Errorf("KEV %s: %+v", id, k)
		}
	}
}

// CISA removed CVE-2025-4664 from the catalog between 2025.05.22 and
// 2025.06.09: importing the newer catalog removes it, and importing the
// older one again afterwards changes nothing.
func TestImportKEVRemoval(t *testing.T) {
	ctx := context.Background()
	kevJSON, kevOld := kev(t, "known_exploited_vulnerabilities.json"), kev(t, "2025.05.22/known_exploited_vulnerabilities.json")
	s := open(t)
	if got := importOne(t, s, kevOld, "kev-json"); got != (Counts{Added: 3}) {
		t.Fatalf("2025.05.22: %+v", got)
	}
	if k, _ := s.KEV(ctx, "CVE-2025-4664"); k == nil || k.Added != "2025-05-15" {
		t.Fatalf("CVE-2025-4664 in 2025.05.22: %+v", k)
	}
	// CVE-2023-4911 and CVE-2016-5195 are in both, unchanged.
	if got := importOne(t, s, kevJSON, "kev-json"); got != (Counts{Added: 5, Unchanged: 2, Removed: 1}) {
		t.Fatalf("2025.08.25: %+v", got)
	}
	if got := importOne(t, s, kevOld, "kev-json"); got != (Counts{Unchanged: 3}) {
		t.Fatalf("2025.05.22 again: %+v", got)
	}
	st, _ := s.Status(ctx)
	if k, _ := s.KEV(ctx, "CVE-2025-4664"); k != nil || st.KEV != 7 || st.LastImports[1].Removed != 1 {
		t.Fatalf("after the older catalog: CVE-2025-4664 %+v, %d entries, imports %+v", k, st.KEV, st.LastImports)
	}
}

// A store made before the imports log counted removals gets the column and
// keeps its log.
func TestOpenAddsRemovedColumn(t *testing.T) {
	p := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE imports (at TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL, added INTEGER NOT NULL, updated INTEGER NOT NULL, unchanged INTEGER NOT NULL);
		INSERT INTO imports VALUES ('2026-01-01T00:00:00Z', 'nvd', 'nvd', 17, 0, 0)`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Status(context.Background())
	if err != nil || len(st.LastImports) != 1 || st.LastImports[0].Added != 17 || st.LastImports[0].Removed != 0 {
		t.Fatalf("%+v %v", st, err)
	}
	s.Close()
	if s, err = Open(p); err != nil { // the column is not added twice
		t.Fatal(err)
	}
}
