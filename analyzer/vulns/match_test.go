package vulns

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
)

// now is the scan date of the tests: the baseline's date, so EOL answers do
// not change as the calendar moves.
var now = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// comp builds a component the way the SBOM pass does: fingerprint name,
// version, and the fingerprint's CPE at that version.
func comp(name, ver, part, vp string) model.Component {
	return model.Component{Ref: "pkg:generic/" + name + "@" + ver, Name: name, Version: ver, Type: "application",
		PURL: "pkg:generic/" + name + "@" + ver, CPEs: []string{"cpe:2.3:" + part + ":" + vp + ":" + ver + ":*:*:*:*:*:*:*"},
		Methods: []string{model.MethodString}, Confidence: model.ConfHigh,
		Evidence: []model.Evidence{{Path: "fw.bin@0x11B0A0:squashfs/bin/" + name, Offset: -1}}}
}

// openwrt-15.05.1-tl-wr703n-factory.bin (MANIFEST.md versions).
func openwrtComps() []model.Component {
	return []model.Component{
		comp("busybox", "1.23.2", "a", "busybox:busybox"),
		comp("dropbear", "2017.75", "a", "dropbear_ssh_project:dropbear_ssh"),
		comp("dnsmasq", "2.79rc1", "a", "thekelleys:dnsmasq"),
		comp("linux", "3.18.98", "o", "linux:linux_kernel"),
		comp("hostapd", "2.6-devel", "a", "w1.fi:hostapd"),
		comp("uclibc", "0.9.33.2", "a", "uclibc:uclibc"),
	}
}

// debian12-kirkwood-initrd.gz.
func kirkwoodComps() []model.Component {
	return []model.Component{
		comp("openssl", "3.0.20", "a", "openssl:openssl"),
		comp("glibc", "2.36", "a", "gnu:glibc"),
		comp("zlib", "1.2.13", "a", "zlib:zlib"),
		comp("busybox", "1.35.0", "a", "busybox:busybox"),
	}
}

func byComponent(vs []model.Vulnerability) map[string][]string {
	m := map[string][]string{}
	for _, v := range vs {
		name := strings.TrimPrefix(v.Component, "pkg:generic/")
		name = name[:strings.IndexByte(name, '@')]
		m[name] = append(m[name], v.ID)
	}
	for _, ids := range m {
		slices.Sort(ids)
	}
	return m
}

func TestOpenWrt(t *testing.T) {
	vs, fs, err := Match(context.Background(), openwrtComps(), Source{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := byComponent(vs)
	want := map[string][]string{
		// CVE-2021-28831 (1.32.0 <= v <= 1.32.1) must not match 1.23.2.
		"busybox":  {"CVE-2016-2148", "CVE-2017-16544", "CVE-2022-48174"},
		"dropbear": {"CVE-2018-15599", "CVE-2021-36369"},
		"dnsmasq":  {"CVE-2019-14834", "CVE-2020-25681", "CVE-2023-28450"},
		// CVE-2017-7308 was fixed in 3.18.52.
		"linux":   {"CVE-2021-22555"},
		"hostapd": {"CVE-2019-16275"},
		"uclibc":  {"CVE-2022-30295"},
	}
	for name, ids := range want {
		if !slices.Equal(got[name], ids) {
			t.Errorf("%s: matched %v, want %v", name, got[name], ids)
		}
	}
	if len(got) != len(want) {
		t.Errorf("matched components %v", got)
	}
	reasons := map[string]string{}
	for _, v := range vs {
		reasons[v.ID] = v.Reason
		if v.State != StateAffected {
			t.Errorf("%s: state %q without a kernel config", v.ID, v.State)
		}
	}
	for id, want := range map[string]string{
		"CVE-2016-2148":  "cpe:2.3:a:busybox:busybox: 1.23.2 <= 1.24.2 (versionEndIncluding)",
		"CVE-2021-22555": "cpe:2.3:o:linux:linux_kernel: 2.6.19 <= 3.18.98 < 4.4.267 (versionStartIncluding, versionEndExcluding)",
		"CVE-2020-25681": "cpe:2.3:a:thekelleys:dnsmasq: 2.79rc1 < 2.83 (versionEndExcluding)",
		"CVE-2019-16275": "cpe:2.3:a:w1.fi:hostapd: 2.6-devel <= 2.9 (versionEndIncluding)",
	} {
		if reasons[id] != want {
			t.Errorf("%s reason %q, want %q", id, reasons[id], want)
		}
	}
	for _, v := range vs {
		if v.ID == "CVE-2021-22555" && (!v.KEV || v.Props["kev_added"] != "2025-10-06" || v.Fixed != "4.4.267") {
			t.Errorf("CVE-2021-22555: KEV %v props %v fixed %q", v.KEV, v.Props, v.Fixed)
		}
	}

	// One vulnerable-component finding per component, and every one of the
	// six is outdated or end-of-life.
	rules := map[string][]string{}
	for _, f := range fs {
		rules[f.Props["component"]] = append(rules[f.Props["component"]], f.RuleID)
		if !slices.Equal(f.Criteria, []string{"S1.1-13"}) || f.Title.JA == "" || f.Detail.JA == "" || f.ID == "" || len(f.Evidence) != 1 {
			t.Errorf("%s %s: criteria %v, JA %q, ID %q, evidence %v", f.RuleID, f.Props["component"], f.Criteria, f.Title.JA, f.ID, f.Evidence)
		}
	}
	for name, want := range map[string][]string{
		"busybox": {RuleVulnerable, RuleOutdated}, "dropbear": {RuleVulnerable, RuleOutdated},
		"dnsmasq": {RuleVulnerable, RuleOutdated}, "linux": {RuleVulnerable, RuleEOL},
		"hostapd": {RuleVulnerable, RuleOutdated}, "uclibc": {RuleVulnerable, RuleEOL},
	} {
		if !slices.Equal(rules[name], want) {
			t.Errorf("%s: findings %v, want %v", name, rules[name], want)
		}
	}
	for _, f := range fs {
		switch {
		case f.RuleID == RuleVulnerable && f.Props["component"] == "busybox":
			if f.Severity != model.Critical || f.Props["cves"] != "CVE-2016-2148,CVE-2017-16544,CVE-2022-48174" || f.Kind != model.KindVuln {
				t.Errorf("busybox finding: %v %v", f.Severity, f.Props)
			}
		case f.RuleID == RuleEOL && f.Props["component"] == "linux":
			if f.Props["line"] != "3.18" || f.Props["last"] != "3.18.140" || f.Kind != model.KindComponent {
				t.Errorf("linux EOL finding props %v", f.Props)
			}
		}
	}
}

func TestKirkwood(t *testing.T) {
	vs, fs, err := Match(context.Background(), kirkwoodComps(), Source{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := byComponent(vs)
	// CVE-2021-3711 is limited to 1.1.1..1.1.1l; CVE-2023-4911 has no
	// configuration (Awaiting Analysis); CVE-2021-28831 is 1.32.x only.
	want := map[string][]string{
		"glibc":   {"CVE-2023-6246"},
		"zlib":    {"CVE-2023-45853"},
		"busybox": {"CVE-2022-48174"},
	}
	for name, ids := range want {
		if !slices.Equal(got[name], ids) {
			t.Errorf("%s: matched %v, want %v", name, got[name], ids)
		}
	}
	if len(got["openssl"]) != 0 {
		t.Errorf("openssl 3.0.20 matched %v", got["openssl"])
	}
	kinds := map[string]string{}
	for _, f := range fs {
		if f.Kind == model.KindComponent {
			kinds[f.Props["component"]] = f.RuleID
		}
	}
	// OpenSSL 3.0 reached its end of life on 2026-09-07.
	if kinds["openssl"] != RuleEOL || kinds["glibc"] != RuleOutdated || kinds["zlib"] != RuleOutdated {
		t.Errorf("lifecycle findings %v", kinds)
	}
	// Before 3.0's end of life, openssl 3.0.20 is neither EOL nor (without
	// release data for 3.x) outdated.
	_, fs, _ = Match(context.Background(), kirkwoodComps()[:1], Source{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if len(fs) != 0 {
		t.Errorf("openssl in January 2026: %v", fs)
	}
}

func TestKernelConfigVEX(t *testing.T) {
	// 4.4.60 is in both kernel records' ranges (CVE-2017-7308 is fixed in
	// 4.4.66, CVE-2021-22555 in 4.4.267).
	linux := []model.Component{comp("linux", "4.4.60", "o", "linux:linux_kernel")}
	for _, c := range []struct {
		name string
		cfg  map[string]string
		want map[string]string // CVE -> state
	}{
		{"no config", nil, map[string]string{"CVE-2017-7308": StateAffected, "CVE-2021-22555": StateAffected}},
		{"32-bit router, no packet sockets", map[string]string{"CONFIG_PACKET": "n", "CONFIG_NETFILTER_XTABLES": "y", "CONFIG_IP_NF_IPTABLES": "y"},
			map[string]string{"CVE-2017-7308": StateNotAffected, "CVE-2021-22555": StateNotAffected}},
		{"64-bit with compat and iptables", map[string]string{"CONFIG_PACKET": "y", "CONFIG_NETFILTER_XTABLES": "m", "CONFIG_COMPAT": "y", "CONFIG_IP_NF_IPTABLES": "m"},
			map[string]string{"CVE-2017-7308": StateAffected, "CVE-2021-22555": StateAffected}},
		{"compat but no table interface", map[string]string{"CONFIG_PACKET": "m", "CONFIG_NETFILTER_XTABLES": "y", "CONFIG_COMPAT": "y"},
			map[string]string{"CVE-2017-7308": StateAffected, "CVE-2021-22555": StateNotAffected}},
	} {
		vs, fs, err := Match(context.Background(), linux, Source{Now: now, KernelConfig: c.cfg})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, v := range vs {
			got[v.ID] = v.State
			if v.State == StateNotAffected && (v.Justification != JustCodeNotPresent || !strings.Contains(v.Reason, "not set")) {
				t.Errorf("%s: %s justification %q reason %q", c.name, v.ID, v.Justification, v.Reason)
			}
		}
		for id, st := range c.want {
			if got[id] != st {
				t.Errorf("%s: %s state %q, want %q", c.name, id, got[id], st)
			}
		}
		affected := 0
		for _, st := range c.want {
			if st == StateAffected {
				affected++
			}
		}
		hasFinding := slices.ContainsFunc(fs, func(f model.Finding) bool { return f.RuleID == RuleVulnerable })
		if hasFinding != (affected > 0) {
			t.Errorf("%s: vulnerable-component finding %v with %d affected", c.name, hasFinding, affected)
		}
	}
}

// Components without a CPE are matched through the alias table by name, and
// distribution versions are compared as upstream versions.
func TestAliasesAndDistroVersions(t *testing.T) {
	c := model.Component{Ref: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=armel", Name: "zlib1g", Version: "1:1.2.13.dfsg-1",
		PURL: "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=armel", Confidence: model.ConfHigh}
	vs, _, err := Match(context.Background(), []model.Component{c}, Source{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].ID != "CVE-2023-45853" || vs[0].Reason != "cpe:2.3:a:zlib:zlib: 1.2.13 <= 1.3 (versionEndIncluding)" {
		t.Fatalf("got %+v", vs)
	}
	// A component whose version is unknown matches nothing.
	c = comp("busybox", "", "a", "busybox:busybox")
	c.CPEs = []string{"cpe:2.3:a:busybox:busybox:-:*:*:*:*:*:*:*"}
	if vs, fs, _ := Match(context.Background(), []model.Component{c}, Source{Now: now}); len(vs)+len(fs) != 0 {
		t.Fatalf("versionless busybox: %v %v", vs, fs)
	}
}

func TestInLine(t *testing.T) {
	for _, c := range []struct {
		v, line string
		want    bool
	}{
		{"4.19.188", "4.19", true}, {"4.19", "4.19", true}, {"4.190", "4.19", false},
		{"1.0.2u", "1.0.2", true}, {"0.9.8zh", "0.9.8", true}, {"1.0.20", "1.0.2", false},
		{"2.6-devel", "2.6", true}, {"3.0.20", "3.0", true}, {"3.0.20", "3.1", false},
	} {
		if got := inLine(c.v, c.line); got != c.want {
			t.Errorf("inLine(%q, %q) = %v", c.v, c.line, got)
		}
	}
}

// OpenSSL's letter releases belong to their line: 1.0.2u is end-of-life
// with 1.0.2 (ended 2019-12-31) and is the line's last release.
func TestOpenSSLLetterRelease(t *testing.T) {
	c := comp("openssl", "1.0.2u", "a", "openssl:openssl")
	_, fs, err := Match(context.Background(), []model.Component{c}, Source{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.RuleID == RuleEOL && f.Props["line"] == "1.0.2" && f.Props["last"] == "" {
			return
		}
	}
	t.Errorf("no end-of-life finding for openssl 1.0.2u: %+v", fs)
}
