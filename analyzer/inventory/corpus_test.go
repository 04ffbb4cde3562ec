package inventory

import (
	"context"
	"strings"
	"testing"
)

// MANIFEST.md facts; these run once the squashfs/lzma and uefi extractors land.
func TestOpenWrtCorpus(t *testing.T) {
	tr := corpusTree(t, "openwrt-15.05.1-tl-wr703n-factory.bin", 136, nil)
	res, _, err := Run(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	elfs := 0
	for arch, n := range s.ByArch {
		if !strings.HasPrefix(arch, "mips-") {
			t.Errorf("%d ELFs of arch %s, want big-endian MIPS only", n, arch)
		}
		elfs += n
	}
	if elfs != 136 || s.ByType[TypeKernelModule] != 66 {
		t.Errorf("%d ELFs, %d modules; want 136 and 66", elfs, s.ByType[TypeKernelModule])
	}
	found := false
	for _, k := range s.Kernels {
		found = found || k.Version == "3.18.98"
	}
	if !found {
		t.Errorf("kernels %+v, want 3.18.98", s.Kernels)
	}
}

func TestOVMFCorpus(t *testing.T) {
	tr := corpusTree(t, "debian12-ovmf-x64.fd", 0, nil)
	res, _, err := Run(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range res.Files {
		if r.PE != nil && r.PE.Format == "PE32+" && r.PE.Machine == "x86-64" {
			n++
		}
	}
	if n == 0 {
		t.Skip("uefi extractor not landed: no PE modules extracted")
	}
	if n != 127 {
		t.Errorf("%d PE32+ x86-64 modules, want 127", n)
	}
}
