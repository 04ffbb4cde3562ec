package sbom

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
)

// find returns the component a fingerprint (RuleID) or name identifies at an
// upstream version: the version itself, or a package version of it
// ("1:1.2.13.dfsg-1" is zlib 1.2.13).
func find(comps []model.Component, id, version string) *model.Component {
	for i, c := range comps {
		if c.RuleID != id && c.Name != id {
			continue
		}
		if version == "" || c.Version == version || sameVersion(c.Version, version) {
			return &comps[i]
		}
	}
	return nil
}

func build(t testing.TB, tr *model.Tree) []model.Component {
	t.Helper()
	comps, err := Build(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	return comps
}

func describe(comps []model.Component) string {
	var b strings.Builder
	for _, c := range comps {
		b.WriteString("\n  " + c.Name + " " + c.Version + " " + c.RuleID + " " + strings.Join(c.Methods, ","))
	}
	return b.String()
}

// TestDpkgRootfs reads a root dpkg itself wrote (testdata/gen.sh): the
// status entry and the version string in libz.so are one component.
func TestDpkgRootfs(t *testing.T) {
	comps := build(t, dirTree(t, "testdata/rootfs-dpkg"))
	z := find(comps, "zlib", "1.2.13")
	if z == nil {
		t.Fatalf("no zlib 1.2.13 in %s", describe(comps))
	}
	if z.Name != "zlib1g" || z.Version != "1:1.2.13.dfsg-1" {
		t.Errorf("zlib is %s %s", z.Name, z.Version)
	}
	if !slices.Equal(z.Methods, []string{model.MethodPackageDB, model.MethodString}) {
		t.Errorf("methods %v: package and string were not merged", z.Methods)
	}
	if z.PURL != "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=armel&distro=debian-12" {
		t.Errorf("purl %s", z.PURL)
	}
	if !slices.Contains(z.CPEs, "cpe:2.3:a:zlib:zlib:1.2.13:*:*:*:*:*:*:*") {
		t.Errorf("cpes %v", z.CPEs)
	}
	var str *model.Evidence
	for i, e := range z.Evidence {
		if strings.HasSuffix(e.Path, "/lib/arm-linux-gnueabi/libz.so.1.2.13") {
			str = &z.Evidence[i]
		}
	}
	if str == nil || str.Offset <= 0 || str.SHA256 == "" {
		t.Fatalf("no string evidence in libz: %+v", z.Evidence)
	}
	// The offset points at the version string in the file.
	b, err := os.ReadFile("testdata/rootfs-dpkg/lib/arm-linux-gnueabi/libz.so.1.2.13")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b[str.Offset : str.Offset+str.Length]); got != "1.2.13" {
		t.Errorf("evidence offset %d reads %q", str.Offset, got)
	}
	if d := find(comps, "debian", "12"); d == nil || d.Type != "operating-system" {
		t.Errorf("no debian 12 operating system in %s", describe(comps))
	}
	if len(comps) != 2 {
		t.Errorf("%d components, want zlib1g and debian: %s", len(comps), describe(comps))
	}
}

// TestIPK reads the control file of an ar-format .ipk.
func TestIPK(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/zlib1g.ipk")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/zlib1g.ipk", b, 0o644); err != nil {
		t.Fatal(err)
	}
	comps := build(t, dirTree(t, dir))
	var ipk *model.Component
	for i, c := range comps {
		if strings.HasPrefix(c.PURL, "pkg:openwrt/") {
			ipk = &comps[i]
		}
	}
	if ipk == nil || ipk.Name != "zlib1g" || ipk.Version != "1:1.2.13.dfsg-1" || ipk.PURL != "pkg:openwrt/zlib1g@1:1.2.13.dfsg-1?arch=armel" || len(comps) != 1 {
		t.Fatalf("ipk: %+v", ipk)
	}
}

func TestVersions(t *testing.T) {
	for _, c := range []struct {
		pv, v string
		same  bool
	}{
		{"1:1.35.0-4+deb12u1+b1", "1.35.0", true},
		{"3.18.98-1-82616593bb3a60b86db8abf008c8b725", "3.18.98", true},
		{"1:1.2.13.dfsg-1", "1.2.13", true},
		{"2.79rc1-1", "2.79rc1", true},
		{"3.0.20-1~deb12u2", "3.0.20", true},
		{"1.2.13", "1.2", false},
		{"2016-06-15-2", "2.6-devel", false},
	} {
		if got := sameVersion(c.pv, c.v); got != c.same {
			t.Errorf("sameVersion(%q, %q) = %v", c.pv, c.v, got)
		}
	}
	if u := upstream("1:1.2.13.dfsg-1"); u != "1.2.13" {
		t.Errorf("upstream %q", u)
	}
}
