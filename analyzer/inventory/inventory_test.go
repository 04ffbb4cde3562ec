package inventory

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
)

// fixtureTree copies the committed fixtures into a root-like folder and sets
// the permissions the findings look at.
func fixtureTree(t testing.TB) (*model.Tree, string) {
	t.Helper()
	root := t.TempDir()
	copyTo := func(src, dst string, mode os.FileMode) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, dst)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode) // after the write: umask and WriteFile ignore setuid
	}
	types, _ := filepath.Glob("testdata/types/*")
	for _, f := range types {
		copyTo(f, "www/"+filepath.Base(f), 0o644)
	}
	copyTo("elfinfo/testdata/arm-nopie", "bin/busybox", 0o755|os.ModeSetuid)
	copyTo("elfinfo/testdata/arm-canary", "usr/bin/pie", 0o755)
	copyTo("elfinfo/testdata/arm-execstack", "usr/sbin/execstack", 0o755)
	copyTo("elfinfo/testdata/fixture.ko", "lib/modules/fixture.ko", 0o644)
	copyTo("elfinfo/testdata/arm-nocanary", "www/cgi-bin/login", 0o777)
	copyTo("peinfo/testdata/efi-app.efi", "boot/app.bin", 0o644)
	copyTo("kernel/testdata/kernel-blob.bin", "boot/kernel.bin", 0o644)
	os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "tmp"), 0o777)
	os.Chmod(filepath.Join(root, "tmp"), 0o777|os.ModeSticky)
	os.MkdirAll(filepath.Join(root, "var/open"), 0o777)
	os.Chmod(filepath.Join(root, "var/open"), 0o777)
	os.Chown(filepath.Join(root, "usr/bin/pie"), 1000, 1000)
	return dirTree(t, root, "fw.bin@0x0:squashfs"), root
}

func TestFixtureTree(t *testing.T) {
	tr, _ := fixtureTree(t)
	res, finds, err := Run(context.Background(), tr)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*Record{}
	for _, r := range res.Files {
		got[r.file.Name()] = r
	}
	for name, want := range map[string]string{
		"www/archive.txt": TypeArchive, "www/cert-der.dat": TypeCertificate, "www/cert.txt": TypeCertificate,
		"www/css.txt": TypeCSS, "www/data.txt": TypeData, "www/db.txt": TypeDatabase, "www/empty.bin": TypeEmpty,
		"www/html.js": TypeHTML, "www/js.css": TypeJS, "www/key.txt": TypeKey, "www/lua-noshebang.txt": TypeLua,
		"www/lua.sh": TypeLua, "www/php.html": TypePHP, "www/python.sh": TypePython, "www/shell.lua": TypeShell,
		"www/uci.sh": TypeConfig, "www/text.conf": TypeText, "bin/busybox": TypeELF, "lib/modules/fixture.ko": TypeKernelModule,
		"boot/app.bin": TypePE, "boot/kernel.bin": TypeKernel, "tmp": "dir",
	} {
		if r := got[name]; r == nil || r.Type != want {
			t.Errorf("%s: got %+v, want type %s", name, r, want)
		}
	}
	if r := got["www/cgi-bin/login"]; r == nil || len(r.Tags) == 0 || r.Tags[0] != "cgi" {
		t.Errorf("cgi tag: %+v", r)
	}
	if k := got["boot/kernel.bin"].Kernel; k == nil || k.ConfigOptions == 0 {
		t.Errorf("kernel: %+v", k)
	}
	if pe := got["boot/app.bin"].PE; pe == nil || pe.Subsystem != "EFI application" {
		t.Errorf("pe: %+v", pe)
	}
	s := res.Summary
	if s.ByArch["arm-eabi5-le"] != 5 || len(s.Kernels) != 1 || s.Vermagics["6.1.0-9-marvell mod_unload ARMv5 p2v8"] != 1 {
		t.Errorf("summary: %+v", s)
	}
	if len(s.LeastHardened) == 0 || s.LeastHardened[0].Path != "fw.bin@0x0:squashfs/www/cgi-bin/login" && s.LeastHardened[0].Path != "fw.bin@0x0:squashfs/bin/busybox" {
		t.Errorf("least hardened first: %+v", s.LeastHardened)
	}
	byRule := map[string]model.Finding{}
	for _, f := range finds {
		byRule[f.RuleID] = f
		if f.ID == "" || f.Title.JA == "" || f.Detail.JA == "" {
			t.Errorf("%s: incomplete finding %+v", f.RuleID, f)
		}
	}
	want := map[string][]string{
		"fs-setuid":           {"bin/busybox"},
		"fs-world-writable":   {"var/open", "www/cgi-bin/login"},
		"fs-unexpected-owner": {"usr/bin/pie"},
		"elf-no-nx":           {"usr/sbin/execstack"},
		"elf-no-pie":          {"bin/busybox"},
		"elf-no-canary":       {"www/cgi-bin/login"},
	}
	for rule, paths := range want {
		f, ok := byRule[rule]
		if !ok || len(f.Evidence) != len(paths) {
			t.Errorf("%s: %+v, want %v", rule, f.Evidence, paths)
			continue
		}
		for i, p := range paths {
			if f.Evidence[i].Path != "fw.bin@0x0:squashfs/"+p {
				t.Errorf("%s evidence %d: %s, want %s", rule, i, f.Evidence[i].Path, p)
			}
		}
	}
	if byRule["fs-setuid"].Props["busybox_setuid"] == "" || byRule["fs-setuid"].Severity != model.Medium {
		t.Errorf("busybox setuid not noted: %+v", byRule["fs-setuid"])
	}
	if _, ok := byRule["kernel-config-hardening"]; !ok {
		t.Error("no kernel config finding")
	}
}

// BenchmarkKirkwood inventories the 748-file kirkwood initrd tree.
// checksec --dir on the same tree is timed in the report.
func BenchmarkKirkwood(b *testing.B) {
	if _, err := exec.LookPath("cpio"); err != nil {
		b.Skip("no cpio")
	}
	tr := corpusTree(b, "debian12-kirkwood-initrd.gz", 353, gunzipCpio)
	b.ResetTimer()
	for range b.N {
		if _, _, err := Run(context.Background(), tr); err != nil {
			b.Fatal(err)
		}
	}
}
