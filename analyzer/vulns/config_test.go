package vulns

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns/feed"
)

func realRecord(t *testing.T, id string) *feed.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../rules/vulns/nvd", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := feed.ParseNVD(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// AND, negate and platform conditions. The real records carry only OR
// nodes, so these configurations are the real CVE-2019-16275 node combined
// with a platform node in the "running on/with" shape NVD uses (a node of
// vulnerable=false matches), which is a logic test, not real data.
func TestConfigurationLogic(t *testing.T) {
	r := realRecord(t, "CVE-2019-16275")
	app := r.Configurations[0].Nodes[0]
	linux := feed.Node{Matches: []feed.Match{{Vulnerable: false, Criteria: "cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*"}}}
	hw := feed.Node{Matches: []feed.Match{{Vulnerable: false, Criteria: "cpe:2.3:h:tp-link:tl-wr703n:-:*:*:*:*:*:*:*"}}}
	d, err := load()
	if err != nil {
		t.Fatal(err)
	}
	hostapd := comp("hostapd", "2.6-devel", "a", "w1.fi:hostapd")
	kernel := comp("linux", "3.18.98", "o", "linux:linux_kernel")
	own := d.targets(&hostapd)
	withLinux := append(d.targets(&kernel), own...)
	for _, c := range []struct {
		name string
		conf feed.Config
		all  []target
		want bool
	}{
		{"OR of the real node", feed.Config{Nodes: []feed.Node{app}}, own, true},
		{"AND with Linux, Linux present", feed.Config{Operator: "AND", Nodes: []feed.Node{app, linux}}, withLinux, true},
		{"AND with Linux, Linux absent", feed.Config{Operator: "AND", Nodes: []feed.Node{app, linux}}, own, false},
		{"AND with hardware the image does not name", feed.Config{Operator: "AND", Nodes: []feed.Node{app, hw}}, withLinux, false},
		{"AND with a negated platform (not on Linux)", feed.Config{Operator: "AND", Nodes: []feed.Node{app, {Negate: true, Matches: linux.Matches}}}, withLinux, false},
		{"AND with a negated absent platform", feed.Config{Operator: "AND", Nodes: []feed.Node{app, {Negate: true, Matches: hw.Matches}}}, withLinux, true},
		{"platform only: no vulnerable match of this component", feed.Config{Nodes: []feed.Node{linux}}, withLinux, false},
		{"AND inside a node", feed.Config{Nodes: []feed.Node{{Operator: "AND", Matches: append(append([]feed.Match{}, app.Matches[0]), linux.Matches...)}}}, withLinux, true},
		{"negated configuration", feed.Config{Negate: true, Nodes: []feed.Node{app}}, own, false},
	} {
		rec := &feed.Record{ID: r.ID, Configurations: []feed.Config{c.conf}}
		ok, hits := evalRecord(rec, own, c.all)
		if ok != c.want {
			t.Errorf("%s: matched %v, want %v (%v)", c.name, ok, c.want, hits)
		}
		if ok && (len(hits) == 0 || !strings.HasPrefix(hits[0].reason, "cpe:2.3:a:w1.fi:hostapd: ")) {
			t.Errorf("%s: reasons %v", c.name, hits)
		}
	}
}

// Exact versions in the CPE, the update field, NA and wildcards. The
// criteria are NVD's forms; the versions are real releases.
func TestExactAndWildcards(t *testing.T) {
	for _, c := range []struct {
		criteria, comp string
		want           bool
	}{
		{"cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*", "7.4p1", true},
		{"cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*", "7.4p2", false},
		{"cpe:2.3:a:openbsd:openssh:7.4:-:*:*:*:*:*:*", "7.4", true},
		{"cpe:2.3:a:thekelleys:dnsmasq:2.79:rc1:*:*:*:*:*:*", "2.79rc1", true},
		{"cpe:2.3:a:thekelleys:dnsmasq:2.79:*:*:*:*:*:*:*", "2.79", true},
		{"cpe:2.3:a:thekelleys:dnsmasq:-:*:*:*:*:*:*:*", "2.79", false},
		{"cpe:2.3:o:linux:linux_kernel:3.18.*:*:*:*:*:*:*:*", "3.18.98", true},
		{"cpe:2.3:o:linux:linux_kernel:3.18.*:*:*:*:*:*:*:*", "3.19", false},
		{"cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*", "1.23.2", true}, // no range: every version
		{"cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*", "", false},      // unknown version: never
		{"cpe:2.3:a:busybox:busybox:1.23.2:*:*:*:*:*:arm:*", "1.23.2", true},
		{"cpe:2.3:h:busybox:busybox:1.23.2:*:*:*:*:*:*:*", "1.23.2", false}, // part differs
	} {
		n := anyName("busybox:busybox")
		if strings.Contains(c.criteria, "openssh") {
			n = anyName("openbsd:openssh")
		} else if strings.Contains(c.criteria, "dnsmasq") {
			n = anyName("thekelleys:dnsmasq")
		} else if strings.Contains(c.criteria, "linux") {
			n = anyName("linux:linux_kernel")
		}
		n.Attr[0] = "a"
		if strings.Contains(c.criteria, ":o:") {
			n.Attr[0] = "o"
		}
		reason, _, ok := matchOne(feed.Match{Vulnerable: true, Criteria: c.criteria}, target{name: n, version: c.comp})
		if ok != c.want {
			t.Errorf("%s vs %q: %v (%s), want %v", c.criteria, c.comp, ok, reason, c.want)
		}
	}
}

// Records from the local store join the baseline: a CVE 5 record in the
// Linux CNA's shape (format test: restating CVE-2021-22555's real fix
// versions), where 4.4.267+ is listed unaffected.
func TestStoreRecords(t *testing.T) {
	ctx := context.Background()
	st, err := OpenStore(filepath.Join(t.TempDir(), "v.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	doc := `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2021-22555","state":"PUBLISHED","dateUpdated":"2025-10-21T23:25:25Z"},
	"containers":{"cna":{"affected":[{"vendor":"Linux","product":"Linux","defaultStatus":"affected","versions":[
	{"version":"0","lessThan":"2.6.19","status":"unaffected"},{"version":"4.4.267","lessThanOrEqual":"4.4.*","status":"unaffected"},
	{"version":"4.9.267","lessThanOrEqual":"4.9.*","status":"unaffected"},{"version":"5.12","lessThanOrEqual":"*","status":"unaffected"}]}]}}}`
	p := filepath.Join(t.TempDir(), "CVE-2021-22555.json")
	os.WriteFile(p, []byte(doc), 0o644)
	rs, err := Import(ctx, st, p)
	if err != nil || len(rs) != 1 || rs[0].Err != nil || rs[0].Format != feed.FormatCVE5 {
		t.Fatalf("import %+v %v", rs, err)
	}
	// Shadow the NVD record's decision: NVD decides when it has
	// configurations, so the CVE 5 record is consulted only for CVEs NVD
	// has not analysed. Match a kernel NVD does cover to check that.
	for ver, want := range map[string]string{"4.4.300": "", "4.4.200": "CVE-2021-22555", "4.14.1": "CVE-2021-22555", "5.12.3": ""} {
		vs, _, err := Match(ctx, []model.Component{comp("linux", ver, "o", "linux:linux_kernel")}, Source{Store: st, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, v := range vs {
			if v.ID == "CVE-2021-22555" {
				got = v.ID + " " + v.Source
			}
		}
		if want == "" && got != "" || want != "" && got != want+" NVD" {
			t.Errorf("linux %s: %q, want %q from NVD", ver, got, want)
		}
	}
	// For a CVE that only the store knows, the CVE 5 ranges decide. The ID
	// is reserved-looking on purpose: this is a logic test, not a record.
	doc2 := strings.ReplaceAll(doc, "CVE-2021-22555", "CVE-2099-0001")
	p2 := filepath.Join(t.TempDir(), "CVE-2099-0001.json")
	os.WriteFile(p2, []byte(doc2), 0o644)
	if _, err := Import(ctx, st, p2); err != nil {
		t.Fatal(err)
	}
	for ver, want := range map[string]bool{"4.4.300": false, "4.4.200": true, "4.14.1": true, "5.12.3": false, "2.6.18": false} {
		vs, _, _ := Match(ctx, []model.Component{comp("linux", ver, "o", "linux:linux_kernel")}, Source{Store: st, Now: now})
		got := false
		for _, v := range vs {
			if v.ID == "CVE-2099-0001" {
				got = v.Source == "CVE"
			}
		}
		if got != want {
			t.Errorf("CVE 5 only, linux %s: matched %v, want %v", ver, got, want)
		}
	}
}
