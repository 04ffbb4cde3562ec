package elfinfo

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func parseFile(t testing.TB, p string) *Info {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	in, err := Parse(f, st.Size(), Options{})
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return in
}

func checksecWords(h Hardening) []string {
	return []string{
		map[string]string{"full": "Full RELRO", "partial": "Partial RELRO", "none": "No RELRO"}[h.RELRO],
		map[bool]string{true: "Canary found", false: "No Canary found"}[h.Canary],
		map[bool]string{true: "NX enabled", false: "NX disabled"}[h.NX],
		map[string]string{"yes": "PIE enabled", "no": "No PIE", "dso": "DSO", "rel": "REL"}[h.PIE],
		map[bool]string{true: "RPATH", false: "No RPATH"}[h.RPATH],
		map[bool]string{true: "RUNPATH", false: "No RUNPATH"}[h.RUNPATH],
		map[bool]string{true: "Symbols", false: "No Symbols"}[h.Symbols],
		map[bool]string{true: "Yes", false: "No"}[h.Fortify],
		fmt.Sprint(h.Fortified), fmt.Sprint(h.Fortifiable),
	}
}

// TestFixturesMatchChecksec checks every fixture against checksec 2.6.0's
// verdict (testdata/checksec.csv, made by gen.sh), and that each flag was
// seen both ways. One disagreement is checksec's error:
//
// x86-nosections is x86-fortify with e_shoff/e_shnum/e_shstrndx zeroed, as
// sstrip leaves OpenWrt binaries. checksec finds symbols with `readelf -s`,
// which needs section headers, so it reports "No Canary found" and no
// FORTIFY for the same code it calls "Canary found, Yes, 2, 2" in
// x86-fortify. The loader resolves __stack_chk_fail, __strcpy_chk and
// __snprintf_chk through PT_DYNAMIC (DT_SYMTAB + DT_GNU_HASH), and so do we.
func TestFixturesMatchChecksec(t *testing.T) {
	fh, err := os.Open("testdata/checksec.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	checksecErrors := map[string]string{
		"x86-nosections": "Full RELRO,Canary found,NX enabled,PIE enabled,No RPATH,No RUNPATH,No Symbols,Yes,2,2",
	}
	seen := map[string]map[string]bool{}
	for _, r := range rows {
		name := r[10]
		in := parseFile(t, filepath.Join("testdata", name))
		got := checksecWords(in.Hardening)
		want := strings.Join(r[:10], ",")
		if w, ok := checksecErrors[name]; ok {
			want = w
		}
		if g := strings.Join(got, ","); g != want {
			t.Errorf("%s:\n ours %s\n want %s", name, g, want)
		}
		for i, v := range got[:8] {
			k := fmt.Sprint(i)
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][v] = true
		}
	}
	for i, what := range []string{"RELRO", "canary", "NX", "PIE", "", "", "", "FORTIFY"} {
		if what != "" && len(seen[fmt.Sprint(i)]) < 2 {
			t.Errorf("%s seen only as %v", what, seen[fmt.Sprint(i)])
		}
	}
}

func TestFixtureDetails(t *testing.T) {
	x := parseFile(t, "testdata/x86-fortify")
	if x.Machine != "x86-64" || x.Class != "ELF64" || x.Endian != "little" || x.Type != "dyn" ||
		x.Interp != "/lib64/ld-linux-x86-64.so.2" || !slices.Equal(x.Needed, []string{"libc.so.6"}) ||
		x.Linking != "dynamic" || !x.Stripped || len(x.BuildID) != 40 {
		t.Errorf("x86-fortify: %+v", x)
	}
	if !slices.Equal(x.Risky, []string{"system"}) {
		t.Errorf("risky imports %v (strcpy became __strcpy_chk)", x.Risky)
	}
	if n := parseFile(t, "testdata/x86-nocanary"); !slices.Equal(n.Risky, []string{"strcpy", "system"}) {
		t.Errorf("risky imports %v", n.Risky)
	}
	ns := parseFile(t, "testdata/x86-nosections")
	if !ns.NoSections || ns.BuildID != x.BuildID || !slices.Equal(ns.Needed, x.Needed) {
		t.Errorf("nosections: %+v", ns)
	}
	a := parseFile(t, "testdata/arm-canary")
	if a.Machine != "ARM" || a.Arch != "arm-eabi5-le" || !slices.Contains(a.Flavour, "soft-float") || a.Interp != "/lib/ld-linux.so.3" {
		t.Errorf("arm-canary: %+v", a)
	}
	if th := parseFile(t, "testdata/arm-thumb"); !slices.Contains(th.Flavour, "thumb-entry") {
		t.Errorf("arm-thumb flavour %v", th.Flavour)
	}
	k := parseFile(t, "testdata/fixture.ko")
	if k.Type != "rel" || k.Module == nil || k.Module.Name != "fixture" || k.Module.License != "GPL" ||
		k.Module.Vermagic != "6.1.0-9-marvell mod_unload ARMv5 p2v8" {
		t.Errorf("fixture.ko: %+v %+v", k, k.Module)
	}
}
