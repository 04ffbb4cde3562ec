package vulns

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/sbom"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

func corpusComponents(tb testing.TB, name string) []model.Component {
	tb.Helper()
	img := samples.Corpus(tb, name)
	dir := tb.TempDir()
	m, err := engine.Default().Extract(context.Background(), img, dir)
	if err != nil {
		tb.Fatalf("extract %s: %v", name, err)
	}
	comps, err := sbom.Build(context.Background(), model.NewTree(m, dir))
	if err != nil {
		tb.Fatal(err)
	}
	return comps
}

var corpusCPE = map[string]string{
	"busybox": "cpe:2.3:a:busybox:busybox:", "dropbear": "cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:",
	"dnsmasq": "cpe:2.3:a:thekelleys:dnsmasq:", "linux": "cpe:2.3:o:linux:linux_kernel:", "hostapd": "cpe:2.3:a:w1.fi:hostapd:",
	"uclibc": "cpe:2.3:a:uclibc:uclibc:", "glibc": "cpe:2.3:a:gnu:glibc:", "zlib": "cpe:2.3:a:zlib:zlib:", "openssl": "cpe:2.3:a:openssl:openssl:",
}

// The SBOM pass's components of the real corpus images match what the
// records say. A component the SBOM (or an extractor still being written)
// does not find yet is skipped, not failed.
func TestCorpus(t *testing.T) {
	for _, c := range []struct {
		image string
		want  map[string][]string // component name -> CVEs that must match
		not   map[string][]string // CVEs that must not
	}{
		{"openwrt-15.05.1-tl-wr703n-factory.bin",
			map[string][]string{"busybox": {"CVE-2016-2148", "CVE-2017-16544", "CVE-2022-48174"}, "dropbear": {"CVE-2018-15599", "CVE-2021-36369"},
				"dnsmasq": {"CVE-2019-14834", "CVE-2020-25681", "CVE-2023-28450"}, "linux": {"CVE-2021-22555"},
				"hostapd": {"CVE-2019-16275"}, "uclibc": {"CVE-2022-30295"}},
			map[string][]string{"busybox": {"CVE-2021-28831"}, "linux": {"CVE-2017-7308"}}},
		{"debian12-kirkwood-initrd.gz",
			map[string][]string{"glibc": {"CVE-2023-6246"}, "zlib": {"CVE-2023-45853"}},
			map[string][]string{"openssl": {"CVE-2021-3711"}, "glibc": {"CVE-2023-4911"}}},
	} {
		t.Run(c.image, func(t *testing.T) {
			comps := corpusComponents(t, c.image)
			vs, fs, err := Match(context.Background(), comps, Source{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			byRef := map[string][]string{}
			for _, v := range vs {
				byRef[v.Component] = append(byRef[v.Component], v.ID)
			}
			lifecycle := map[string]bool{}
			for _, f := range fs {
				if f.RuleID == RuleOutdated || f.RuleID == RuleEOL {
					lifecycle[f.Props["component"]] = true
				}
			}
			for name, ids := range c.want {
				// The SBOM names components by package ("kernel", "libc")
				// or fingerprint; find them by the CPE it gives them.
				i := slices.IndexFunc(comps, func(x model.Component) bool {
					return slices.ContainsFunc(x.CPEs, func(c string) bool { return strings.HasPrefix(c, corpusCPE[name]) }) && x.Version != ""
				})
				if i < 0 {
					t.Logf("SBOM has no versioned %s yet: skipped", name)
					continue
				}
				got := byRef[comps[i].Ref]
				for _, id := range ids {
					if !slices.Contains(got, id) {
						t.Errorf("%s %s (%v): %s not matched (got %v)", name, comps[i].Version, comps[i].CPEs, id, got)
					}
				}
				for _, id := range c.not[name] {
					if slices.Contains(got, id) {
						t.Errorf("%s %s: %s matched", name, comps[i].Version, id)
					}
				}
				if c.image[:7] == "openwrt" && !lifecycle[comps[i].Name] {
					t.Errorf("%s %s: not reported outdated or end-of-life", name, comps[i].Version)
				}
			}
		})
	}
}
