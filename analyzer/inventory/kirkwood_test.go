package inventory

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"
)

// checksecRow renders our verdicts in checksec 2.6.0's CSV words.
func checksecRow(r *Record) string {
	h := r.ELF.Hardening
	return strings.Join([]string{
		map[string]string{"full": "Full RELRO", "partial": "Partial RELRO", "none": "No RELRO"}[h.RELRO],
		map[bool]string{true: "Canary found", false: "No Canary found"}[h.Canary],
		map[bool]string{true: "NX enabled", false: "NX disabled"}[h.NX],
		map[string]string{"yes": "PIE enabled", "no": "No PIE", "dso": "DSO", "rel": "REL"}[h.PIE],
		map[bool]string{true: "RPATH", false: "No RPATH"}[h.RPATH],
		map[bool]string{true: "RUNPATH", false: "No RUNPATH"}[h.RUNPATH],
		map[bool]string{true: "Symbols", false: "No Symbols"}[h.Symbols],
		map[bool]string{true: "Yes", false: "No"}[h.Fortify],
		fmt.Sprint(h.Fortified), fmt.Sprint(h.Fortifiable),
	}, ",")
}

// TestKirkwoodMatchesChecksec compares the hardening of every ELF of the
// Debian 12 kirkwood initrd with testdata/kirkwood-checksec.csv, which
// gen-checksec.sh makes with Debian's checksec 2.6.0. All 353 agree; there
// are no disagreements to explain. (checksec's FORTIFY counts use the host's
// amd64 glibc 2.36; we use the armel glibc 2.36 found in the image: both
// export the same 79 __*_chk functions.)
func TestKirkwoodMatchesChecksec(t *testing.T) {
	tr := corpusTree(t, "debian12-kirkwood-initrd.gz", 353, gunzipCpio)
	res, finds, err := Run(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Open("testdata/kirkwood-checksec.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rows, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rows {
		want[r[10]] = strings.Join(r[:10], ",")
	}
	got := 0
	for _, r := range res.Files {
		if r.ELF == nil {
			continue
		}
		got++
		name := r.file.Name()
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: ELF that checksec did not list", name)
			continue
		}
		if g := checksecRow(r); g != w {
			t.Errorf("%s:\n ours     %s\n checksec %s", name, g, w)
		}
	}
	if got != len(want) || got != 353 {
		t.Errorf("parsed %d ELFs, checksec listed %d, MANIFEST says 353", got, len(want))
	}
	s := res.Summary
	if s.ByType[TypeKernelModule] != 266 || s.ByArch["arm-eabi5-le"] != 353 {
		t.Errorf("kernel modules %d (want 266), arm-eabi5-le ELFs %d (want 353)", s.ByType[TypeKernelModule], s.ByArch["arm-eabi5-le"])
	}
	if s.ByType[TypeCertificate] < 142 {
		t.Errorf("certificates %d, want at least the 142 CA certificates", s.ByType[TypeCertificate])
	}
	if len(s.Vermagics) != 1 {
		t.Errorf("vermagics %v, want one", s.Vermagics)
	}
	if len(s.FortifySource) != 1 || !strings.HasSuffix(fmt.Sprint(s.FortifySource), "lib/arm-linux-gnueabi/libc.so.6]") {
		t.Errorf("fortify list from %v", s.FortifySource)
	}
	for _, f := range finds {
		t.Logf("%s %s %d evidence", f.RuleID, f.Severity, len(f.Evidence))
	}
	t.Logf("types %v", s.ByType)
}
