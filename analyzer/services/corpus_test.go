package services

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// Corpus tests run twice: on the engine's extraction (skipped while the
// format's extractor has not landed: the tree then lacks the file that
// proves it), and on the reference tool's extraction of the same image.

func engineTree(t *testing.T, name, mustHave string) *model.Tree {
	img := samples.Corpus(t, name)
	dir := t.TempDir()
	m, err := engine.Default().Extract(context.Background(), img, dir)
	if err != nil {
		t.Fatal(err)
	}
	tr := model.NewTree(m, dir)
	if len(tr.Glob("**/"+mustHave)) == 0 {
		t.Skipf("engine extraction of %s has no %s yet (extractor not registered)", name, mustHave)
	}
	return tr
}

func refTree(t *testing.T, name string, extract func(img, dir string) error) *model.Tree {
	img := samples.Corpus(t, name)
	dir := t.TempDir()
	if err := extract(img, dir); err != nil {
		t.Skipf("reference extraction: %v", err)
	}
	return dirTree(t, dir, name)
}

func tool(name string, args ...string) error {
	if _, err := exec.LookPath(name); err != nil {
		return err
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return &exec.Error{Name: name + ": " + string(out), Err: err}
	}
	return nil
}

// layerOf returns the layer of the filesystem whose path ends with tail.
func layerOf(t *testing.T, tr *model.Tree, tail string) string {
	fs := tr.Glob("**/" + tail)
	if len(fs) == 0 {
		t.Fatalf("no %s", tail)
	}
	return fs[0].Chunk.Layer
}

func checkOpenWrt(t *testing.T, tr *model.Tree) {
	layer := layerOf(t, tr, "etc/openwrt_release")
	r, fs := run(t, tr, rootEmpty(layer))
	db := svc(r, "dropbear")
	if db == nil || db.State != StateEnabled || !strings.HasSuffix(db.Starts[0].At.Path, "/etc/init.d/dropbear") ||
		db.Auth.Settings["password_auth"] != "on" || db.Ports[0] != "tcp/22" {
		t.Fatalf("dropbear %+v", db)
	}
	uh := svc(r, "uhttpd")
	if uh == nil || uh.State != StateEnabled || len(uh.Config) == 0 || !strings.HasSuffix(uh.Config[0].Path, "/etc/config/uhttpd") ||
		uh.TLS.Enabled || len(uh.Ports) != 2 {
		t.Fatalf("uhttpd %+v", uh)
	}
	if got := topics(r.Updates, ""); got["sysupgrade"] != 1 || got["opkg"] != 1 || got["opkg-feed"] != 6 {
		t.Fatalf("updates %v", got)
	}
	for _, u := range r.Updates {
		if u.Topic == "opkg" && (u.Signal != Positive || u.Props["check_signature"] != "on" || u.Props["keys"] != "3" ||
			!strings.HasSuffix(u.Evidence[0].Path, "/etc/opkg.conf") || u.Evidence[0].Line != 5) {
			t.Fatalf("opkg %+v", u)
		}
	}
	ids := map[string]string{}
	for _, id := range r.Identity {
		ids[id.Key] = id.Value
	}
	if ids["DISTRIB_DESCRIPTION"] != "OpenWrt Chaos Calmer 15.05.1" || ids["DISTRIB_REVISION"] != "r49630" {
		t.Fatalf("identity %v", ids)
	}
	// 15.05.1 has no /etc/init.d/telnet: no telnet finding.
	got := rulesOf(fs)
	if got["telnet-enabled"] != 0 || got["root-shell-on-console"] != 1 || got["ssh-password-auth"] != 1 || got["web-no-tls"] != 1 {
		t.Fatalf("findings %v", got)
	}
	// 22 rc.d start links; 9 of them start daemons (the rest are one-shot scripts).
	started := 0
	for _, v := range r.Services {
		if v.State == StateEnabled {
			started++
		}
	}
	if started != 9 {
		for _, v := range r.Services {
			t.Logf("%s %s", v.Name, v.State)
		}
		t.Fatalf("%d services started", started)
	}
}

func TestCorpusOpenWrt(t *testing.T) {
	t.Run("engine", func(t *testing.T) {
		checkOpenWrt(t, engineTree(t, "openwrt-15.05.1-tl-wr703n-factory.bin", "etc/openwrt_release"))
	})
	t.Run("unsquashfs", func(t *testing.T) {
		checkOpenWrt(t, refTree(t, "openwrt-15.05.1-tl-wr703n-factory.bin", func(img, dir string) error {
			return tool("unsquashfs", "-q", "-n", "-f", "-o", "1159328", "-d", dir, img)
		}))
	})
}

func checkLicheePi(t *testing.T, tr *model.Tree) {
	layer := layerOf(t, tr, "etc/inittab")
	r, fs := run(t, tr, rootEmpty(layer))
	if len(r.Logins) != 1 || r.Logins[0].Kind != "getty" || r.Logins[0].TTY != "console" || r.Logins[0].At.Line != 31 {
		t.Fatalf("logins %+v", r.Logins)
	}
	for _, n := range []string{"syslogd", "klogd"} {
		if v := svc(r, n); v == nil || v.State != StateEnabled || !v.Applet {
			t.Fatalf("%s %+v", n, v)
		}
	}
	if rulesOf(fs)["console-login-no-password"] != 1 {
		t.Fatalf("findings %v", rulesOf(fs))
	}
	ids := map[string]string{}
	for _, id := range r.Identity {
		ids[id.Key] = id.Value
	}
	if ids["VERSION_ID"] != "2021.02.3" || ids["NAME"] != "Buildroot" {
		t.Fatalf("identity %v", ids)
	}
}

func TestCorpusLicheePi(t *testing.T) {
	t.Run("engine-jffs2", func(t *testing.T) {
		checkLicheePi(t, engineTree(t, "licheepi-nano-rootfs.jffs2", "etc/inittab"))
	})
	t.Run("engine-tar", func(t *testing.T) {
		checkLicheePi(t, engineTree(t, "licheepi-nano-rootfs.tar", "etc/inittab"))
	})
	t.Run("archive-tar", func(t *testing.T) {
		checkLicheePi(t, refTree(t, "licheepi-nano-rootfs.tar", untar))
	})
}

// untar is the reference extraction of the tar image, with Go's archive/tar.
func untar(img, dir string) error {
	f, err := os.Open(img)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(p, dir) {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.Symlink(h.Linkname, p)
		case tar.TypeReg:
			os.MkdirAll(filepath.Dir(p), 0o755)
			w, err := os.Create(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(w, tr)
			w.Close()
			if err != nil {
				return err
			}
		}
	}
}

func checkIoTCTF(t *testing.T, tr *model.Tree) {
	r, fs := run(t, tr, nil)
	ap := svc(r, "appweb")
	if ap == nil || ap.State != StateConditional || !strings.HasSuffix(ap.Starts[0].At.Path, "/start.sh") || ap.Starts[0].At.Line != 7 {
		t.Fatalf("appweb %+v", ap)
	}
	if len(ap.Ports) != 1 || ap.Ports[0] != "http 0.0.0.0:80" || ap.TLS.Enabled || ap.Auth.Required {
		t.Fatalf("appweb ports %v tls %+v auth %+v", ap.Ports, ap.TLS, ap.Auth)
	}
	var cgis []string
	for _, c := range ap.CGIs {
		cgis = append(cgis, c[strings.LastIndexByte(c, '/')+1:])
	}
	if strings.Join(cgis, " ") != "data.out login.out readflag.out" {
		t.Fatalf("cgis %v", ap.CGIs)
	}
	if rulesOf(fs)["web-no-tls"] != 1 {
		t.Fatalf("findings %v", rulesOf(fs))
	}
}

func TestCorpusIoTCTF(t *testing.T) {
	t.Run("engine", func(t *testing.T) {
		checkIoTCTF(t, engineTree(t, "iotctf2020-web2.squashfs", "appweb.conf"))
	})
	t.Run("unsquashfs", func(t *testing.T) {
		checkIoTCTF(t, refTree(t, "iotctf2020-web2.squashfs", func(img, dir string) error {
			return tool("unsquashfs", "-q", "-n", "-f", "-d", dir, img)
		}))
	})
}

func checkDebianInstaller(t *testing.T, tr *model.Tree) {
	r, fs := run(t, tr, nil)
	ssh := svc(r, "sshd")
	if ssh == nil || ssh.State != StateConditional || ssh.Starts[0].Mechanism != "network-console" || !strings.HasSuffix(ssh.Starts[0].At.Path, "/etc/passwd") {
		t.Fatalf("sshd %+v", ssh)
	}
	kinds := map[string]int{}
	for _, l := range r.Logins {
		kinds[l.Kind+" "+l.TTY]++
	}
	if kinds["network-console "] != 1 || kinds["shell tty2"] != 1 || kinds["shell tty3"] != 1 || len(r.Logins) != 3 {
		t.Fatalf("logins %v", kinds)
	}
	if got := topics(r.Updates, Positive); got["gpgv"] != 1 {
		t.Fatalf("updates %v", got)
	}
	if rulesOf(fs)["root-shell-on-console"] != 2 {
		t.Fatalf("findings %v", rulesOf(fs))
	}
}

func TestCorpusDebianInstaller(t *testing.T) {
	t.Run("engine", func(t *testing.T) {
		checkDebianInstaller(t, engineTree(t, "debian12-kirkwood-initrd.gz", "etc/inittab"))
	})
	t.Run("cpio", func(t *testing.T) {
		checkDebianInstaller(t, refTree(t, "debian12-kirkwood-initrd.gz", func(img, dir string) error {
			if _, err := exec.LookPath("cpio"); err != nil {
				return err
			}
			c := exec.Command("sh", "-c", `zcat "$1" | cpio -id --quiet --no-absolute-filenames`, "sh", img)
			c.Dir = dir
			if out, err := c.CombinedOutput(); err != nil {
				return &exec.Error{Name: string(out), Err: err}
			}
			return nil
		}))
	})
}
