package secrets

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// scanTime is fixed so certificate checks on the corpus do not drift.
var scanTime = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func corpusFindings(t *testing.T, name string) (*model.Tree, []model.Finding) {
	t.Helper()
	if testing.Short() {
		t.Skip("corpus extraction in -short mode")
	}
	dir := t.TempDir()
	m, err := engine.Default().Extract(context.Background(), samples.Corpus(t, name), dir)
	if err != nil {
		t.Fatal(err)
	}
	tr := model.NewTree(m, dir)
	fs, err := RunWith(context.Background(), tr, Options{Now: scanTime})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		t.Logf("%s %s %s %v", f.Severity, f.RuleID, f.Evidence[0].Path, f.Props)
	}
	return tr, fs
}

func byRule(fs []model.Finding, rule string) []model.Finding {
	var out []model.Finding
	for _, f := range fs {
		if f.RuleID == rule {
			out = append(out, f)
		}
	}
	return out
}

// needFile skips when the extractor the image needs has not produced the
// file yet (the engine registry grows as handlers land).
func needFile(t *testing.T, tr *model.Tree, glob string) {
	t.Helper()
	if len(tr.Glob(glob)) == 0 {
		t.Skipf("no %s in the extraction: its extractor is missing", glob)
	}
}

func assertEmptyRoot(t *testing.T, fs []model.Finding, pathSuffix string) {
	t.Helper()
	e := byRule(fs, "empty-password")
	if len(e) != 1 {
		t.Fatalf("%d empty-password findings, want 1", len(e))
	}
	f := e[0]
	if f.Props["account"] != "root" || len(f.Evidence) != 1 || !strings.HasSuffix(f.Evidence[0].Path, pathSuffix) ||
		f.Evidence[0].Line != 1 || !strings.HasPrefix(f.Evidence[0].Excerpt, "root::") || f.Severity != model.Critical {
		t.Errorf("empty-password: %+v", f)
	}
}

func TestCorpusOpenWrt(t *testing.T) {
	tr, fs := corpusFindings(t, "openwrt-15.05.1-tl-wr703n-factory.bin")
	needFile(t, tr, "etc/shadow")
	assertEmptyRoot(t, fs, "@0x11B0A0:squashfs/etc/shadow")
	for _, f := range fs {
		if strings.Contains(f.Evidence[0].Path, "dropbear_rsa_host_key") {
			t.Errorf("the empty dropbear placeholder was reported: %s", f.RuleID)
		}
	}
}

func TestCorpusLicheePiJFFS2(t *testing.T) {
	tr, fs := corpusFindings(t, "licheepi-nano-rootfs.jffs2")
	needFile(t, tr, "etc/shadow")
	assertEmptyRoot(t, fs, ":jffs2/etc/shadow")
}

func TestCorpusLicheePiTar(t *testing.T) {
	tr, fs := corpusFindings(t, "licheepi-nano-rootfs.tar")
	needFile(t, tr, "**/etc/shadow")
	assertEmptyRoot(t, fs, "etc/shadow")
}

func TestCorpusIoTCTF(t *testing.T) {
	tr, fs := corpusFindings(t, "iotctf2020-web2.squashfs")
	needFile(t, tr, "data/web/login.out")
	h := byRule(fs, "hard-coded-password-hash")
	if len(h) != 1 || h[0].Secret != "cbe8dd7138cbe1f9c3d2b41a0452000370386370" ||
		!strings.HasSuffix(h[0].Evidence[0].Path, ":squashfs/data/web/login.out") || h[0].Props["scheme"] != "sha1-hex" {
		t.Errorf("hard-coded hash: %+v", h)
	}
	for _, f := range fs {
		if f.Kind == model.KindSecret && strings.Contains(f.Evidence[0].Path, "libmpr.so") {
			t.Errorf("libmpr.so's marker strings reported as %s", f.RuleID)
		}
	}
}

// Debian's installer initrd and OVMF carry no credential or key; the CA
// bundle is one note.
func TestCorpusDebianKirkwood(t *testing.T) {
	tr, fs := corpusFindings(t, "debian12-kirkwood-initrd.gz")
	needFile(t, tr, "etc/passwd")
	got := summary(fs)
	want := []string{"ca-bundle gzip/debian12-kirkwood-initrd@0x0:cpio/etc/ssl/certs/ACCVRAIZ1.crt"}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}
	// MANIFEST.md: 142 CA certificates, one note.
	if len(fs) == 1 && (fs[0].Props["certificates"] != "142" || fs[0].Severity != model.Info) {
		t.Errorf("ca-bundle: %v", fs[0].Props)
	}
}

func TestCorpusOVMF(t *testing.T) {
	_, fs := corpusFindings(t, "debian12-ovmf-x64.fd")
	if got := summary(fs); len(got) != 0 {
		t.Errorf("findings: %q", got)
	}
}
