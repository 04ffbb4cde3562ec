package feed

import (
	"bytes"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the format detector and every reader:
// errors are fine, panics and hangs are not.
func FuzzRead(f *testing.F) {
	for _, b := range readNVD(f) {
		f.Add(b)
	}
	f.Add(nvdFeed(f, map[string][]byte{"x": readNVD(f)["CVE-2016-2148"]}))
	for _, p := range []string{"testdata/osv/GHSA-vvpx-j8f3-3w6h.json", "testdata/epss/epss_scores-current.head.csv",
		"testdata/kev/known_exploited_vulnerabilities.page1.json"} {
		f.Add(readFile(f, p))
	}
	f.Add([]byte(`{"title":"x","catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-1","dateAdded":"2021-01-01"}]}`))
	f.Add([]byte("#model_version:v1,score_date:2025-01-01\ncve,epss,percentile\nCVE-2021-1,0.1,0.2\n"))
	f.Add([]byte("cveID,dateAdded\nCVE-2021-1,2021-01-01\n"))
	f.Add([]byte(`{"id":"OSV-1","modified":"x","affected":[{"package":{"ecosystem":"Debian:12","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1"}]}]}]}`))
	f.Add([]byte(`{"cveMetadata":{"cveId":"CVE-1"},"containers":{"cna":{"affected":[{"vendor":"a","product":"b","versions":[{"version":"1","lessThan":"2","status":"affected"}]}]}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Read(bytes.NewReader(b), nil, Handler{
			Record: func(r *Record) error { _ = r.Keys(); _ = r.Severity(); return nil },
			KEV:    func(string, KEV) error { return nil },
			EPSS:   func(EPSS) error { return nil },
		})
	})
}
