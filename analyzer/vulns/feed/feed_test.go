package feed

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const nvdDir = "../../../rules/vulns/nvd"

func readNVD(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(nvdDir, "CVE-*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no NVD records: %v", err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(n), ".json")] = b
	}
	return out
}

// Real NVD records: parsed fields, and our CVSS v3 calculator agreeing with
// every base score NVD published for them.
func TestParseNVD(t *testing.T) {
	recs := readNVD(t)
	if len(recs) != 17 {
		t.Fatalf("%d records", len(recs))
	}
	for id, b := range recs {
		r, err := ParseNVD(b)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if r.ID != id || r.Source != SourceNVD || r.LastModified == "" || r.Description == "" || len(r.CVSS) != 1 {
			t.Errorf("%s: %+v", id, r)
		}
		for _, c := range r.CVSS {
			s, err := CVSS3Score(c.Vector)
			if err != nil || s != c.Score {
				t.Errorf("%s: CVSS3Score(%s) = %v, %v; NVD says %v", id, c.Vector, s, err, c.Score)
			}
		}
	}
	r, _ := ParseNVD(recs["CVE-2017-7308"])
	if n := len(r.Configurations[0].Nodes[0].Matches); n != 9 || r.Keys()[0] != "linux:linux_kernel" {
		t.Errorf("CVE-2017-7308: %d matches, keys %v", n, r.Keys())
	}
	if m := r.Configurations[0].Nodes[0].Matches[4]; m.StartIncluding != "3.17" || m.EndExcluding != "3.18.52" || !m.Vulnerable {
		t.Errorf("CVE-2017-7308 3.18 range: %+v", m)
	}
	r, _ = ParseNVD(recs["CVE-2021-22555"])
	if r.KEV == nil || r.KEV.Added != "2025-10-06" || r.KEV.Due != "2025-10-27" {
		t.Errorf("CVE-2021-22555 KEV: %+v", r.KEV)
	}
	r, _ = ParseNVD(recs["CVE-2023-4911"])
	if len(r.Configurations) != 0 || r.Status != "Awaiting Analysis" {
		t.Errorf("CVE-2023-4911: %+v", r)
	}
}

// nvdFeed wraps the real records the way the NVD API and yearly feeds do.
func nvdFeed(t testing.TB, recs map[string][]byte) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resultsPerPage":` + itoa(len(recs)) + `,"startIndex":0,"format":"NVD_CVE","version":"2.0","vulnerabilities":[`)
	i := 0
	for _, r := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"cve":`)
		b.Write(r)
		b.WriteByte('}')
		i++
	}
	b.WriteString("]}")
	return b.Bytes()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestReadNVDFeed(t *testing.T) {
	recs := readNVD(t)
	var got []string
	format, err := Read(bytes.NewReader(nvdFeed(t, recs)), nil, Handler{Record: func(r *Record) error { got = append(got, r.ID); return nil }})
	if err != nil || format != FormatNVDFeed || len(got) != len(recs) {
		t.Fatalf("format %s, %d records, %v", format, len(got), err)
	}
	format, err = Read(bytes.NewReader(recs["CVE-2016-2148"]), nil, Handler{})
	if err != nil || format != FormatNVD {
		t.Fatalf("single record: %s %v", format, err)
	}
}

// Format tests: the CVE 5, OSV, KEV and EPSS inputs below are NOT real
// records. They restate facts of the real NVD records above (same IDs,
// ranges, vectors, KEV dates) in each format's published schema, to test
// the readers' handling of each format's fields.
func TestFormatCVE5(t *testing.T) {
	// CVE-2021-22555's ranges in the Linux CNA's style: defaultStatus
	// affected, with unaffected ranges per stable line.
	doc := `{"dataType":"CVE_RECORD","dataVersion":"5.1",
	"cveMetadata":{"cveId":"CVE-2021-22555","state":"PUBLISHED","datePublished":"2021-07-07T11:25:10Z","dateUpdated":"2025-10-21T23:25:25Z"},
	"containers":{"cna":{"affected":[{"vendor":"Linux","product":"Linux","defaultStatus":"affected","versions":[
		{"version":"0","lessThan":"2.6.19","status":"unaffected","versionType":"semver"},
		{"version":"4.4.267","lessThanOrEqual":"4.4.*","status":"unaffected","versionType":"semver"},
		{"version":"5.12","lessThanOrEqual":"*","status":"unaffected","versionType":"original_commit_for_fix"},
		{"version":"b386be689295730688885552666ea40b2e639b14","lessThan":"b29c457a6511435960115c0f548c4360d5f4801d","status":"affected","versionType":"git"}]}],
	"descriptions":[{"lang":"en","value":"A heap out-of-bounds write affecting Linux since v2.6.19-rc1 was discovered in net/netfilter/x_tables.c."}],
	"metrics":[{"cvssV3_1":{"version":"3.1","baseScore":8.3,"vectorString":"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H"}}]}}}`
	vp := func(v, p string) []string {
		if v == "Linux" && p == "Linux" {
			return []string{"linux:linux_kernel"}
		}
		return nil
	}
	var r *Record
	format, err := Read(strings.NewReader(doc), vp, Handler{Record: func(x *Record) error { r = x; return nil }})
	if err != nil || format != FormatCVE5 {
		t.Fatal(format, err)
	}
	if r.ID != "CVE-2021-22555" || r.Source != SourceCVE5 || len(r.CVSS) != 1 || r.CVSS[0].Score != 8.3 || r.Keys()[0] != "linux:linux_kernel" {
		t.Fatalf("%+v", r)
	}
	m := r.Configurations[0].Nodes[0].Matches
	if len(m) != 1 || m[0].Range.Bounded() || len(m[0].Except) != 3 || m[0].Except[1].EndIncluding != "4.4.*" {
		t.Fatalf("matches %+v", m)
	}
	// Lower-level CNA style: affected ranges with lessThan.
	doc2 := strings.Replace(doc, `"defaultStatus":"affected"`, `"defaultStatus":"unaffected"`, 1)
	doc2 = strings.Replace(doc2, `{"version":"0","lessThan":"2.6.19","status":"unaffected","versionType":"semver"}`,
		`{"version":"2.6.19","lessThan":"4.4.267","status":"affected","versionType":"semver"},{"version":"2.6.20","status":"affected"}`, 1)
	r, err = ParseCVE5([]byte(doc2), vp)
	if err != nil {
		t.Fatal(err)
	}
	m = r.Configurations[0].Nodes[0].Matches
	if len(m) != 2 || m[0].StartIncluding != "2.6.19" || m[0].EndExcluding != "4.4.267" || m[1].Criteria != "cpe:2.3:*:linux:linux_kernel:2.6.20:*:*:*:*:*:*:*" {
		t.Fatalf("matches %+v", m)
	}
}

func TestFormatOSV(t *testing.T) {
	// CVE-2023-45853's NVD range (<= 1.3) and vector, as an OSV record on the
	// Debian zlib source package.
	doc := `{"schema_version":"1.6.0","id":"DEBIAN-CVE-2023-45853","modified":"2024-08-01T13:44:58Z","published":"2023-10-14T02:15:09Z",
	"aliases":["CVE-2023-45853"],"summary":"MiniZip in zlib through 1.3 has an integer overflow",
	"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
	"affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1:1.3.dfsg-1"}]}],"versions":["1:1.2.13.dfsg-1"]},
	{"package":{"ecosystem":"GIT","name":"zlib"},"ranges":[{"type":"GIT","repo":"https://github.com/madler/zlib","events":[{"introduced":"0"},{"fixed":"73331a6a0481067628f065ffe87bb1d8f787d10c"}]}]}]}`
	var r *Record
	format, err := Read(strings.NewReader(doc), nil, Handler{Record: func(x *Record) error { r = x; return nil }})
	if err != nil || format != FormatOSV {
		t.Fatal(format, err)
	}
	if r.CVSS[0].Score != 9.8 || r.Aliases[0] != "CVE-2023-45853" || r.Keys()[0] != "pkg:deb/debian/zlib" {
		t.Fatalf("%+v", r)
	}
	m := r.Configurations[0].Nodes[0].Matches
	if len(m) != 2 || m[0].EndExcluding != "1:1.3.dfsg-1" || m[0].StartIncluding != "" || m[1].StartIncluding != "1:1.2.13.dfsg-1" {
		t.Fatalf("matches %+v", m)
	}
}

func TestFormatKEVAndEPSS(t *testing.T) {
	// CVE-2021-22555's KEV fields as the catalog's JSON and CSV carry them.
	js := `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.10.06","dateReleased":"2025-10-06T17:00:00.000Z","count":1,
	"vulnerabilities":[{"cveID":"CVE-2021-22555","vendorProject":"Linux","product":"Kernel","vulnerabilityName":"Linux Kernel Heap Out-of-Bounds Write Vulnerability",
	"dateAdded":"2025-10-06","shortDescription":"...","requiredAction":"Apply mitigations per vendor instructions.","dueDate":"2025-10-27","knownRansomwareCampaignUse":"Unknown","notes":"","cwes":["CWE-787"]}]}`
	csv := "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n" +
		`CVE-2021-22555,Linux,Kernel,"Linux Kernel Heap Out-of-Bounds Write Vulnerability",2025-10-06,"...","Apply mitigations per vendor instructions.",2025-10-27,Unknown,,CWE-787` + "\n"
	for want, doc := range map[string]string{FormatKEVJSON: js, FormatKEVCSV: csv} {
		got := map[string]KEV{}
		format, err := Read(strings.NewReader(doc), nil, Handler{KEV: func(id string, k KEV) error { got[id] = k; return nil }})
		if err != nil || format != want {
			t.Fatal(format, err)
		}
		if k := got["CVE-2021-22555"]; k.Added != "2025-10-06" || k.Due != "2025-10-27" || k.Ransomware != "Unknown" {
			t.Errorf("%s: %+v", want, got)
		}
	}
	epss := "#model_version:v2025.03.14,score_date:2025-10-06T12:55:00Z\ncve,epss,percentile\nCVE-2021-22555,0.84120,0.99260\nCVE-2016-2148,0.05000,0.92000\n"
	var es []EPSS
	format, err := Read(strings.NewReader(epss), nil, Handler{EPSS: func(e EPSS) error { es = append(es, e); return nil }})
	if err != nil || format != FormatEPSS || len(es) != 2 || es[0].Score != 0.8412 || es[0].Date != "2025-10-06T12:55:00Z" {
		t.Fatal(format, err, es)
	}
	for _, bad := range []string{"cve,epss,percentile\nCVE-1,2,0.5\n", "cveID,x\nnot-a-cve,1\n", "[1,2]", "{\"foo\":1}"} {
		if _, err := Read(strings.NewReader(bad), nil, Handler{}); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestCVSS3Score(t *testing.T) {
	for vec, want := range map[string]float64{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
		"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H": 8.8, // scope changed
		"CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N": 0,
		"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N": 1.6,
	} {
		if got, err := CVSS3Score(vec); err != nil || got != want {
			t.Errorf("CVSS3Score(%s) = %v, %v; want %v", vec, got, err, want)
		}
	}
	if _, err := CVSS3Score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); err == nil {
		t.Error("accepted AV:X")
	}
}
