package sbom

import (
	"slices"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
)

// want is a component a corpus image must hold, per its MANIFEST.md facts.
type want struct{ id, version string }

func expect(t *testing.T, comps []model.Component, ws ...want) {
	t.Helper()
	for _, w := range ws {
		if find(comps, w.id, w.version) == nil {
			t.Errorf("no %s %s in %s", w.id, w.version, describe(comps))
		}
	}
}

func TestCorpusOpenWrt(t *testing.T) {
	tr := corpusTree(t, "openwrt-15.05.1-tl-wr703n-factory.bin", "squashfs", "lzma")
	comps := build(t, tr)
	expect(t, comps,
		want{"openwrt", "15.05.1"}, want{"linux", "3.18.98"}, want{"busybox", "1.23.2"},
		want{"uclibc", "0.9.33.2"}, want{"dropbear", "2017.75"}, want{"dnsmasq", "2.79rc1"},
		want{"hostapd", "2.6-devel"})
	// Every opkg package, with its version, once.
	opkg := 0
	seen := map[string]bool{}
	for _, c := range comps {
		if strings.HasPrefix(c.PURL, "pkg:openwrt/") {
			opkg++
			if seen[c.PURL] {
				t.Errorf("%s listed twice", c.PURL)
			}
			seen[c.PURL] = true
		}
	}
	if opkg != 90 { // /usr/lib/opkg/status has 90 entries
		t.Errorf("%d opkg packages, want 90", opkg)
	}
	// The kernel banner merged into the opkg "kernel" package.
	k := find(comps, "linux", "3.18.98")
	if k.Name != "kernel" || !slices.Contains(k.Methods, model.MethodString) || !slices.Contains(k.Methods, model.MethodPackageDB) {
		t.Errorf("kernel: %+v", k)
	}
	if c := find(comps, "dropbear", "2017.75"); c.PURL != "pkg:openwrt/dropbear@2017.75-1?arch=ar71xx" {
		t.Errorf("dropbear purl %s", c.PURL)
	}
}

func TestCorpusDebianInstaller(t *testing.T) {
	tr := corpusTree(t, "debian12-kirkwood-initrd.gz", "cpio")
	comps := build(t, tr)
	expect(t, comps, want{"busybox", "1.35.0"}, want{"glibc", "2.36"}, want{"openssl", "3.0.20"}, want{"zlib", "1.2.13"})
	udebs := 0
	for _, c := range comps {
		if strings.HasPrefix(c.PURL, "pkg:deb/debian/") {
			udebs++
		}
	}
	if udebs != 95 { // var/lib/dpkg/status lists 95 udebs
		t.Errorf("%d udebs, want 95", udebs)
	}
	if b := find(comps, "busybox", "1.35.0"); b.Name != "busybox-udeb" || len(b.Methods) != 2 {
		t.Errorf("busybox not merged with its udeb: %+v", b)
	}
}

func TestCorpusLicheePi(t *testing.T) {
	jffs2 := build(t, corpusTree(t, "licheepi-nano-rootfs.jffs2", "jffs2"))
	tar := build(t, corpusTree(t, "licheepi-nano-rootfs.tar", "tar"))
	expect(t, jffs2, want{"buildroot", "2021.02.3"}, want{"busybox", "1.33.0"}, want{"uclibc-ng", "1.0.38"})
	// The same tree gives the same inventory: names, versions, purls, CPEs.
	if a, b := inventory(jffs2), inventory(tar); !slices.Equal(a, b) {
		t.Errorf("jffs2 and tar differ:\n%v\n%v", a, b)
	}
}

func inventory(comps []model.Component) []string {
	var out []string
	for _, c := range comps {
		out = append(out, c.Name+" "+c.Version+" "+c.PURL+" "+strings.Join(c.CPEs, ",")+" "+strings.Join(c.Methods, ","))
	}
	return out
}

func TestCorpusESP32(t *testing.T) {
	comps := build(t, corpusTree(t, "esp32s3-linux-rootfs-xip.cramfs", "cramfs"))
	expect(t, comps, want{"busybox", "1.36.0"}, want{"uclibc-ng", "1.0.42"})
}

func TestCorpusCTF(t *testing.T) {
	comps := build(t, corpusTree(t, "iotctf2020-web2.squashfs", "squashfs"))
	expect(t, comps, want{"appweb", "7.2.3"}, want{"sqlite", "3.33.0"})
}

func TestCorpusOVMF(t *testing.T) {
	comps := build(t, corpusTree(t, "debian12-ovmf-x64.fd", "uefi"))
	expect(t, comps, want{"edk2", ""})
}

// TestCorpusDLink: an RTOS image; nothing Linux may be invented.
func TestCorpusDLink(t *testing.T) {
	comps := build(t, corpusTree(t, "dlink-dir612b1-fw201.zip", "zip"))
	for _, c := range comps {
		switch c.RuleID {
		case "linux", "busybox", "glibc", "uclibc", "uclibc-ng", "musl", "openwrt", "dd-wrt":
			t.Errorf("invented %s %s", c.Name, c.Version)
		}
		if c.Type == "operating-system" {
			t.Errorf("invented operating system %s", c.Name)
		}
	}
	t.Logf("components: %s", describe(comps))
}
