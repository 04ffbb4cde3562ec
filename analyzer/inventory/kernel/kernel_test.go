package kernel

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestBlobFixture(t *testing.T) {
	b, err := os.ReadFile("testdata/kernel-blob.bin")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	ef, _ := os.ReadFile("testdata/kernel-blob.expect")
	sc := bufio.NewScanner(bytes.NewReader(ef))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		want[k] = v
	}
	in, err := Scan(context.Background(), bytes.NewReader(b), int64(len(b)))
	if err != nil || in == nil {
		t.Fatalf("%v %v", in, err)
	}
	if strconv.FormatInt(in.BannerOffset, 10) != want["banner_offset"] || in.Version != want["version"] {
		t.Errorf("banner at %d version %q, want %v", in.BannerOffset, in.Version, want)
	}
	if !strings.HasPrefix(in.Compiler, "gcc") || in.Builder == "" || !strings.HasPrefix(in.Build, "#") {
		t.Errorf("banner parts: %+v", in)
	}
	if strconv.Itoa(in.ConfigOptions) != want["options"] || in.Arch != "X86_64" {
		t.Errorf("%d options, arch %s; want %s", in.ConfigOptions, in.Arch, want["options"])
	}
	for k, v := range want {
		if strings.HasPrefix(k, "CONFIG_") && in.Config[k] != v {
			t.Errorf("%s = %q, want %q", k, in.Config[k], v)
		}
	}
	res := map[string]CheckResult{}
	for _, c := range in.Checks {
		res[c.Option] = c
	}
	if c := res["CONFIG_STACKPROTECTOR_STRONG"]; !c.OK {
		t.Errorf("%+v", c)
	}
	if c := res["CONFIG_DEVMEM"]; !c.OK || c.Got != "is not set" {
		t.Errorf("%+v", c)
	}
	if _, ok := res["CONFIG_CPU_SW_DOMAIN_PAN"]; ok {
		t.Error("an ARM-only check ran on an x86-64 config")
	}
}

// An old kernel's config: the pre-4.18 names pass the same checks, and a
// missing "is not set" option passes while a missing "y" option fails.
func TestOldNames(t *testing.T) {
	cfg := ParseConfig([]byte("CONFIG_ARM=y\nCONFIG_CC_STACKPROTECTOR_STRONG=y\nCONFIG_DEBUG_RODATA=y\n# CONFIG_DEVMEM is not set\nCONFIG_MODULES=y\n"))
	got := map[string]CheckResult{}
	for _, c := range Check(cfg, configArch(cfg)) {
		got[c.Option] = c
	}
	if !got["CONFIG_STACKPROTECTOR_STRONG"].OK || !got["CONFIG_STRICT_KERNEL_RWX"].OK || !got["CONFIG_DEVKMEM"].OK {
		t.Errorf("%+v", got)
	}
	if c := got["CONFIG_HARDENED_USERCOPY"]; c.OK || c.Got != "not found" {
		t.Errorf("%+v", c)
	}
	if c := got["CONFIG_MODULE_SIG"]; c.OK {
		t.Errorf("modules without signatures passed: %+v", c)
	}
	if _, ok := got["CONFIG_CPU_SW_DOMAIN_PAN"]; !ok {
		t.Error("ARM check not run")
	}
}

func TestBannerNotFormatString(t *testing.T) {
	b := []byte("xx Linux version %s (%s@%s)\x00 Linux version 2.4.35 (root@host) (gcc version 3.4.6) #1 Sat May 24 2008\x00")
	in, _ := Scan(context.Background(), bytes.NewReader(b), int64(len(b)))
	if in == nil || in.Version != "2.4.35" || in.Compiler != "gcc version 3.4.6" || in.Build != "#1 Sat May 24 2008" {
		t.Fatalf("%+v", in)
	}
}

func FuzzScan(f *testing.F) {
	if b, err := os.ReadFile("testdata/kernel-blob.bin"); err == nil {
		f.Add(b[4000:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		Scan(context.Background(), bytes.NewReader(b), int64(len(b)))
	})
}
