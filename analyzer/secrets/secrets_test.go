package secrets

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
)

// wantFile reads testdata/want.txt, written by gen.sh from the tools' output.
func wantFile(t *testing.T) map[string]string {
	b, err := os.ReadFile("testdata/want.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		switch f[0] {
		case "dropbear-fp":
			m[f[0]+" "+f[1]] = f[2]
		case "empty-password", "certificate-not-after":
		default:
			m[f[0]] = f[1]
		}
	}
	return m
}

func serverCert(t *testing.T) *x509.Certificate {
	b, err := os.ReadFile("testdata/rootfs/etc/ssl/server.crt")
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func run(t *testing.T, now time.Time) []model.Finding {
	t.Helper()
	fs, err := RunWith(context.Background(), dirTree(t, "testdata/rootfs"), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// summary is "rule path [account/secret]" per finding, sorted.
func summary(fs []model.Finding) []string {
	var out []string
	for _, f := range fs {
		p := f.Evidence[0].Path
		p = p[strings.IndexByte(p, ':')+1:]
		s := f.RuleID + " " + p
		if a := f.Props["account"]; a != "" {
			s += " " + a
		}
		if f.Kind == model.KindCredential && f.Secret != "" && !strings.HasPrefix(f.RuleID, "weak") && !strings.HasPrefix(f.RuleID, "hard-coded-password-hash") {
			s += "=" + f.Secret
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestFixtureTree(t *testing.T) {
	c := serverCert(t)
	fs := run(t, c.NotBefore.Add(24*time.Hour))
	want := []string{
		"aws-access-key-id rootfs/etc/aws.conf",
		"aws-secret-access-key rootfs/etc/aws.conf",
		"ca-bundle rootfs/etc/ssl/certs/ca-certificates.crt",
		"certificate-private-key-shipped rootfs/etc/ssl/server.crt",
		"certificate-self-signed rootfs/etc/ssl/legacy.crt",
		"certificate-self-signed rootfs/etc/ssl/server.crt",
		"certificate-weak-key rootfs/etc/ssl/legacy.crt",
		"certificate-weak-signature rootfs/etc/ssl/legacy.crt",
		"chpasswd-literal rootfs/etc/init.d/rcS=admin",
		"credentials-in-curl-wget rootfs/etc/init.d/rcS=Cl0udPass!",
		"default-password rootfs/etc/lighttpd.user admin=password",
		"default-password rootfs/etc/shadow admin=admin",
		"default-password rootfs/etc/shadow op=admin",
		"default-password rootfs/etc/shadow toor=root",
		"default-password rootfs/etc/shadow- admin=admin",
		"default-password rootfs/etc/shadow- op=admin",
		"default-password rootfs/etc/shadow- toor=root",
		"default-password rootfs/www/.htpasswd guest=guest",
		"default-password rootfs/www/.htpasswd support=support",
		"default-password rootfs/www/.htpasswd user=1234",
		"default-password rootfs/www/.htpasswd webadmin=admin",
		"empty-password rootfs/etc/shadow root",
		"empty-password rootfs/etc/shadow- root",
		"extra-uid0-account rootfs/etc/passwd toor",
		"extra-uid0-account rootfs/etc/passwd- toor",
		"hard-coded-password rootfs/etc/nvram.default=admin",
		"hard-coded-password-hash rootfs/usr/bin/keyd",
		"hard-coded-password-hash-cracked rootfs/usr/bin/keyd",
		"plaintext-password-store rootfs/etc/lighttpd.user admin=password",
		"private-key rootfs/etc/ec.key",
		"private-key rootfs/etc/ssl/private/server.key",
		"private-key rootfs/usr/bin/keyd",
		"private-key-encrypted rootfs/etc/enc.key",
		"snmp-default-community rootfs/etc/snmpd.conf=public",
		"ssh-host-key rootfs/etc/dropbear/dropbear_ecdsa_host_key",
		"ssh-host-key rootfs/etc/dropbear/dropbear_ed25519_host_key",
		"ssh-host-key rootfs/etc/dropbear/dropbear_rsa_host_key",
		"ssh-host-key rootfs/etc/ssh/ssh_host_ed25519_key",
		"telnetd-shell-without-login rootfs/etc/init.d/rcS=/bin/sh",
		"weak-password-hash rootfs/etc/shadow admin",
		"weak-password-hash rootfs/etc/shadow- admin",
		"weak-password-hash rootfs/www/.htpasswd guest",
		"weak-password-hash rootfs/www/.htpasswd support",
		"weak-password-hash rootfs/www/.htpasswd user",
		"wifi-psk rootfs/etc/hostapd.conf=Factory-WiFi-2020",
	}
	got := summary(fs)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n got %q\nwant %q", got, want)
	}

	w := wantFile(t)
	fp := map[string]string{}
	for _, f := range fs {
		if f.Props["fingerprint_sha256"] != "" {
			fp[f.Evidence[0].Path[strings.IndexByte(f.Evidence[0].Path, ':')+1:]] = f.Props["fingerprint_sha256"] + " " + f.Props["ssh_fingerprint"]
		}
		for _, e := range f.Evidence {
			// A guessed password may equal the account name; the hash is what
			// the excerpt masks there.
			if f.Secret != "" && len(f.Secret) > 4 && f.RuleID != "default-password" && strings.Contains(e.Excerpt, f.Secret) {
				t.Errorf("%s: excerpt shows the secret: %s", f.RuleID, e.Excerpt)
			}
			if e.SHA256 == "" && f.RuleID != "ca-bundle" || !strings.HasPrefix(e.Path, "rootfs.img@0x0:rootfs/") {
				t.Errorf("%s: evidence %+v", f.RuleID, e)
			}
		}
	}
	for path, key := range map[string]string{
		"rootfs/etc/ssl/private/server.key":             "server-key-spki",
		"rootfs/etc/ec.key":                             "ec-key-spki",
		"rootfs/usr/bin/keyd":                           "planted-spki",
		"rootfs/etc/ssh/ssh_host_ed25519_key":           "openssh-fp",
		"rootfs/etc/dropbear/dropbear_rsa_host_key":     "dropbear-fp rsa",
		"rootfs/etc/dropbear/dropbear_ecdsa_host_key":   "dropbear-fp ecdsa",
		"rootfs/etc/dropbear/dropbear_ed25519_host_key": "dropbear-fp ed25519",
	} {
		if !strings.Contains(fp[path], w[key]) || w[key] == "" {
			t.Errorf("%s: fingerprints %q, want %s %q", path, fp[path], key, w[key])
		}
	}
}

// The same certificate is valid, expired or not yet valid depending only on
// the scan time passed in.
func TestCertificateTime(t *testing.T) {
	c := serverCert(t)
	count := func(fs []model.Finding, rule string) int {
		n := 0
		for _, f := range fs {
			if f.RuleID == rule && strings.HasSuffix(f.Evidence[0].Path, "server.crt") {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		now             time.Time
		expired, notYet int
	}{
		{c.NotBefore.Add(time.Hour), 0, 0},
		{c.NotAfter.Add(time.Hour), 1, 0},
		{c.NotBefore.Add(-time.Hour), 0, 1},
	} {
		fs := run(t, tc.now)
		if e, n := count(fs, "certificate-expired"), count(fs, "certificate-not-yet-valid"); e != tc.expired || n != tc.notYet {
			t.Errorf("at %s: expired %d not-yet-valid %d, want %d %d", tc.now, e, n, tc.expired, tc.notYet)
		}
	}
}

func TestParseAccounts(t *testing.T) {
	as := parseAccounts([]byte("root:x:0:0:root:/root:/bin/sh\n+::::::\nbad\nnobody:x:x:1::/:/bin/false\r\nftp:*:14:50::/:\n"), false)
	if len(as) != 2 || as[0].Name != "root" || as[1].Name != "ftp" || as[1].Line != 5 || !loginShell(as[1].Shell) {
		t.Fatalf("%+v", as)
	}
	for _, p := range []string{"!", "*", "!!", "!*", "!$6$x$y", "*LK*", "x"} {
		if !locked(p) {
			t.Errorf("%q not locked", p)
		}
	}
}

// NT hash of "password", as published in Microsoft's and Samba's docs.
func TestNTHash(t *testing.T) {
	h := ntHash(mustHex("8846f7eaee8fb117ad06bdd830b7586c"))
	if !h.Match("password") || h.Match("Password") {
		t.Fatal("nt hash")
	}
}
