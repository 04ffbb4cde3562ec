package batch

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/report"
)

// labReport is an image's report with the findings the secrets pass makes
// for a private key, a stored hash, a cracked default password and a key
// file it could not parse.
func labReport(img, rootPass string) *report.Report {
	ev := func(p, sha string) []model.Evidence {
		return []model.Evidence{{Path: img + "@0x40:squashfs" + p, Offset: -1, SHA256: sha}}
	}
	return &report.Report{Findings: []model.Finding{
		{RuleID: "private-key", Kind: model.KindSecret, Evidence: ev("/etc/ssl/private/server.key", "aa11"),
			Props: map[string]string{"fingerprint_sha256": "5f1e0c", "ssh_fingerprint": "SHA256:Xq", "algorithm": "rsa"}, Secret: "-----BEGIN RSA PRIVATE KEY-----..."},
		{RuleID: "certificate-self-signed", Kind: model.KindSecret, Evidence: ev("/etc/ssl/certs/server.crt", "ee55"),
			Props: map[string]string{"sha256": "c3c3", "subject": "CN=router"}},
		{RuleID: "certificate-weak-signature", Kind: model.KindSecret, Evidence: ev("/etc/ssl/certs/server.crt", "ee55"),
			Props: map[string]string{"sha256": "c3c3", "subject": "CN=router"}},
		{RuleID: "weak-password-hash", Kind: model.KindCredential, Evidence: ev("/etc/shadow", "bb22"),
			Props: map[string]string{"account": "root", "scheme": "md5-crypt"}, Secret: "$1$salt$" + rootPass},
		{RuleID: "default-password", Kind: model.KindCredential, Evidence: ev("/etc/shadow", "bb22"),
			Props: map[string]string{"account": "root", "list": "vendor defaults"}, Secret: rootPass},
		{RuleID: "dropbear-host-key", Kind: model.KindSecret, Evidence: ev("/etc/dropbear/dropbear_rsa_host_key", "cc33")},
		{RuleID: "elf-no-canary", Kind: model.KindHardening, Evidence: ev("/bin/busybox", "dd44")},
	}}
}

func TestSharedKeys(t *testing.T) {
	out := t.TempDir()
	db, err := Open(context.Background(), filepath.Join(out, "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	// Two images share everything but the root password; a third shares
	// only the host key file.
	imgs := []struct{ sha, name, pass string }{
		{"1111", "a.bin", "admin"}, {"2222", "b.bin", "admin"}, {"3333", "c.bin", "s3cret"},
	}
	for _, im := range imgs {
		r := labReport(im.name, im.pass)
		if im.sha == "3333" {
			r.Findings = r.Findings[5:]
		}
		keys := keysOf(r)
		if err := db.putImage(ctx, Image{Path: "/lab/" + im.name, SHA256: im.sha}, time.Now()); err != nil {
			t.Fatal(err)
		}
		res := &Result{SHA256: im.sha, RulesVersion: analyzer.RulesVersion, ToolVersion: analyzer.Version, Name: im.name,
			Path: "/lab/" + im.name, Status: Done, Counts: map[string]int{}}
		if err := db.finish(ctx, res, keys); err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			if strings.Contains(k.Value, im.pass) || strings.Contains(k.Value, "PRIVATE") {
				t.Errorf("key %+v reveals its secret", k)
			}
		}
	}
	sum, err := Status(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range sum.Shared {
		got[s.Kind] = len(s.Images)
		if s.Kind == KeyPublic && s.Value != "5f1e0c" {
			t.Errorf("key fingerprint %q, want the SPKI SHA-256", s.Value)
		}
		if s.Kind == KeyCert && len(s.Rules) != 2 {
			t.Errorf("certificate rules %v, want both", s.Rules)
		}
	}
	want := map[string]int{KeyPublic: 2, KeyCert: 2, KeyHash: 2, KeyDefault: 2, KeyIdentical: 3}
	if len(got) != len(want) {
		t.Errorf("shared kinds %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s shared by %d images, want %d", k, got[k], n)
		}
	}
	if sum.Shared[0].Kind != KeyIdentical {
		t.Errorf("widest spread first: got %s", sum.Shared[0].Kind)
	}
	var b strings.Builder
	if err := summaryHTML(&b, sum, "en"); err != nil || !strings.Contains(b.String(), "5f1e0c") {
		t.Errorf("summary HTML lacks the shared key (%v)", err)
	}
}
