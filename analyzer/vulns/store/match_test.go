package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns"
	"github.com/fwstar/fwstar/analyzer/vulns/store"
)

// The real GHSA record of golang.org/x/net (fixed in 0.7.0), imported into
// a store, matches the Go module component the SBOM makes from a binary's
// build info (pkg:golang, version with "v") below 0.7.0 only.
func TestRealOSVMatchesGoModule(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(filepath.Join(t.TempDir(), "vulns.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := vulns.Import(ctx, s, "../feed/testdata/osv/GHSA-vvpx-j8f3-3w6h.json"); err != nil {
		t.Fatal(err)
	}
	var comps []model.Component
	for _, v := range []string{"v0.6.0", "v0.7.0", "v0.10.0", "v0.0.0-20220722155237-a158d28d115b"} {
		purl := "pkg:golang/golang.org/x/net@" + v
		comps = append(comps, model.Component{Ref: purl, Name: "golang.org/x/net", Version: v, Type: "library", PURL: purl,
			Methods: []string{model.MethodString}, Confidence: model.ConfHigh})
	}
	vs, _, err := vulns.Match(ctx, comps, vulns.Source{Store: s, Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]model.Vulnerability{}
	for _, v := range vs {
		got[v.Component] = v
	}
	for _, c := range comps {
		v, ok := got[c.Ref]
		if want := c.Version != "v0.7.0" && c.Version != "v0.10.0"; ok != want {
			t.Errorf("%s: matched %v, want %v (%+v)", c.Version, ok, want, v)
			continue
		}
		if ok && (v.ID != "GHSA-vvpx-j8f3-3w6h" || v.Source != "OSV" || v.Fixed != "v0.7.0" || v.Aliases[0] != "CVE-2022-41723") {
			t.Errorf("%s: %+v", c.Version, v)
		}
	}
	if len(vs) != 2 {
		t.Errorf("%d vulnerabilities: %+v", len(vs), vs)
	}
}
