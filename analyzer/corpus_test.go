package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/analyzer/scoring"
	"github.com/fwstar/fwstar/samples"
)

var scanTime = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

func scanCorpus(t *testing.T, name string) *report.Report {
	t.Helper()
	r, err := Scan(context.Background(), samples.Corpus(t, name), Options{Now: scanTime})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func verdict(t *testing.T, r *report.Report, id string) scoring.Criterion {
	t.Helper()
	for _, c := range r.Star1().Criteria {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no criterion %s", id)
	return scoring.Criterion{}
}

// hasFinding tells whether a finding of rule names a file whose layer path ends in suffix.
func hasFinding(r *report.Report, rule, suffix string) bool {
	for _, f := range r.Findings {
		if f.RuleID != rule {
			continue
		}
		for _, e := range f.Evidence {
			if len(e.Path) >= len(suffix) && e.Path[len(e.Path)-len(suffix):] == suffix {
				return true
			}
		}
	}
	return false
}

func TestCorpusVerdicts(t *testing.T) {
	t.Run("openwrt", func(t *testing.T) {
		r := scanCorpus(t, "openwrt-15.05.1-tl-wr703n-factory.bin")
		c := verdict(t, r, "S1.1-02")
		if c.Verdict != scoring.DoesNotConform {
			t.Fatalf("S1.1-02 is %s (%s), want does-not-conform: root has an empty password and dropbear accepts passwords", c.Verdict, c.Reason.EN)
		}
		if !hasFinding(r, "empty-password", "squashfs/etc/shadow") {
			t.Error("no empty-password finding on squashfs/etc/shadow")
		}
		if !hasFinding(r, "ssh-password-auth", "") {
			t.Error("dropbear password authentication not reported")
		}
	})
	t.Run("licheepi-jffs2", func(t *testing.T) {
		r := scanCorpus(t, "licheepi-nano-rootfs.jffs2")
		if c := verdict(t, r, "S1.1-02"); c.Verdict != scoring.DoesNotConform {
			t.Fatalf("S1.1-02 is %s, want does-not-conform (root has an empty password)", c.Verdict)
		}
		if got := r.Inventory.Summary.ByArch; len(got) != 1 || got["arm-eabi5-le"] != 8 {
			t.Errorf("ELF arches %v, want 8 ARM EABI5 (MANIFEST.md)", got)
		}
	})
	t.Run("esp32s3", func(t *testing.T) {
		r := scanCorpus(t, "esp32s3-linux-rootfs-xip.cramfs")
		if got := r.Inventory.Summary.ByArch; len(got) != 1 || got["xtensa-le"] == 0 {
			t.Errorf("ELF arches %v, want Xtensa only", got)
		}
	})
	t.Run("kirkwood", func(t *testing.T) {
		r := scanCorpus(t, "debian12-kirkwood-initrd.gz")
		if c := verdict(t, r, "S1.1-02"); c.Verdict == scoring.DoesNotConform {
			t.Fatalf("S1.1-02 fails on an image whose root is locked: %s", c.Reason.EN)
		}
	})
	t.Run("ovmf", func(t *testing.T) {
		r := scanCorpus(t, "debian12-ovmf-x64.fd")
		for _, c := range r.Star1().Criteria {
			if c.Verdict == scoring.DoesNotConform || c.Verdict == scoring.Conforms {
				t.Errorf("%s: %s on UEFI firmware, where no login or service can be read: %s", c.ID, c.Verdict, c.Reason.EN)
			}
		}
	})
}

// BenchmarkScan is a whole scan (unpack to a temporary folder, every pass,
// scoring) of each corpus image.
func BenchmarkScan(b *testing.B) {
	for _, name := range []string{
		"openwrt-15.05.1-tl-wr703n-factory.bin", "debian12-kirkwood-initrd.gz", "ddwrt-v24-mini-generic.trx.bin",
		"debian12-ovmf-x64.fd", "dlink-dir612b1-fw201.zip", "esp32s3-linux-rootfs-xip.cramfs",
		"iotctf2020-web2.squashfs", "licheepi-nano-rootfs.jffs2", "licheepi-nano-rootfs.tar",
	} {
		b.Run(name, func(b *testing.B) {
			img := samples.Corpus(b, name)
			for b.Loop() {
				if _, err := Scan(context.Background(), img, Options{Now: scanTime}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// documentedRules reads the rule IDs listed in rules/README.md and
// rules/secrets/README.md.
func documentedRules(t *testing.T) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, f := range []string{"rules/README.md", "rules/secrets/README.md"} {
		b, err := os.ReadFile(filepath.Join(samples.Root(), f))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "| ") {
				continue
			}
			cell := strings.TrimSuffix(strings.Split(line, "|")[1], " (yaml) ")
			for _, id := range strings.Split(cell, ",") {
				ids[strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(id), "(yaml)"))] = true
			}
		}
	}
	return ids
}

// TestRuleIDsAreDocumented scans the demo firmware and the corpus images and
// fails on any rule ID the rules README does not list.
func TestRuleIDsAreDocumented(t *testing.T) {
	doc := documentedRules(t)
	images := []string{filepath.Join(samples.Root(), "samples", "demo-router.bin")}
	for _, n := range []string{"openwrt-15.05.1-tl-wr703n-factory.bin", "ddwrt-v24-mini-generic.trx.bin", "iotctf2020-web2.squashfs", "esp32s3-linux-rootfs-xip.cramfs"} {
		if p := filepath.Join(samples.CorpusDir(), n); fileExists(p) {
			images = append(images, p)
		}
	}
	for _, img := range images {
		r, err := Scan(context.Background(), img, Options{Now: scanTime})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range r.Findings {
			if !doc[f.RuleID] {
				t.Errorf("%s: rule %q is not documented in rules/README.md", filepath.Base(img), f.RuleID)
			}
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
