package services

import (
	"strings"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
)

// rootEmpty is what the secrets pass reports for a filesystem whose root
// has no password.
func rootEmpty(layer string) []model.Finding {
	return []model.Finding{{RuleID: "empty-password", Props: map[string]string{"account": "root"},
		Evidence: []model.Evidence{{Path: layer + "/etc/shadow", Offset: -1}}}}
}

func svc(r *Result, name string) *Service {
	for _, v := range r.Services {
		if v.Name == name {
			return v
		}
	}
	return nil
}

func rulesOf(fs []model.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[f.RuleID]++
		if f.ID == "" || f.Title.JA == "" || f.Remediation.JA == "" || len(f.Criteria) == 0 || len(f.Evidence) == 0 {
			panic("incomplete finding " + f.RuleID)
		}
	}
	return m
}

func topics(fs []*Fact, signal string) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		if signal == "" || f.Signal == signal {
			m[f.Topic]++
		}
	}
	return m
}

func TestOpenWrtProcd(t *testing.T) {
	r, fs := run(t, dirTree(t, "testdata/openwrt", "ow"), rootEmpty("ow"))
	if r.Systems[0].Init != "procd" {
		t.Fatalf("init %q", r.Systems[0].Init)
	}
	db := svc(r, "dropbear")
	if db == nil || db.State != StateEnabled || db.Starts[0].At.Path != "ow/etc/init.d/dropbear" || db.Starts[0].At.Line != 71 ||
		db.Starts[0].Via != "/etc/rc.d/S50dropbear" {
		t.Fatalf("dropbear %+v", db)
	}
	if s := db.Auth.Settings; s["password_auth"] != "on" || s["root_password_auth"] != "on" || db.Ports[0] != "tcp/22" {
		t.Fatalf("dropbear auth %v ports %v", s, db.Ports)
	}
	tn := svc(r, "telnetd")
	if tn == nil || tn.State != StateConditional || !strings.Contains(tn.Condition, "has_root_pwd /etc/shadow") ||
		tn.Auth.Settings["login_program"] != "/bin/login.sh" || !tn.Applet {
		t.Fatalf("telnet %+v", tn)
	}
	// "/etc/init.d/sshd enabled" in telnet's condition starts nothing.
	if svc(r, "sshd") != nil {
		t.Fatal("sshd found in a condition")
	}
	uh := svc(r, "uhttpd")
	if uh == nil || uh.State != StateEnabled || uh.TLS.Enabled || len(uh.Ports) != 2 || uh.Ports[0] != "http 0.0.0.0:80" ||
		len(uh.CGIs) != 1 || uh.CGIs[0] != "ow/www/cgi-bin/luci" {
		t.Fatalf("uhttpd %+v %+v", uh, uh.TLS)
	}
	if len(r.Logins) != 1 || r.Logins[0].Password || r.Logins[0].TTY != "console" || r.Logins[0].At.Line != 3 {
		t.Fatalf("logins %+v", r.Logins)
	}
	if got := topics(r.Updates, Positive); got["opkg"] != 1 {
		t.Fatalf("opkg positive %v", got)
	}
	if got := topics(r.Resets, Positive); got["reset-button"] != 1 || got["factory-reset"] != 1 {
		t.Fatalf("resets %v", got)
	}
	want := map[string]int{"telnet-enabled": 1, "root-shell-on-console": 1, "web-no-tls": 1, "update-no-signature-check": 1,
		"ssh-password-auth": 1, "ssh-root-login": 1, "plaintext-update-url": 1}
	got := rulesOf(fs)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d findings, want %d (all: %v)", k, got[k], n, got)
		}
	}
	for _, f := range fs {
		if f.RuleID == "telnet-enabled" && (f.Severity != model.Critical || !strings.Contains(f.Detail.EN, "root has no password")) {
			t.Errorf("telnet finding %v %s", f.Severity, f.Detail.EN)
		}
	}
	// Without the credential pass, telnet stays High.
	_, fs = run(t, dirTree(t, "testdata/openwrt", "ow"), nil)
	for _, f := range fs {
		if f.RuleID == "telnet-enabled" && f.Severity != model.High {
			t.Errorf("telnet without prior: %v", f.Severity)
		}
	}
}

func TestDebianSystemd(t *testing.T) {
	r, fs := run(t, dirTree(t, "testdata/debian", "deb"), nil)
	cases := []struct{ name, state, via string }{
		{"sshd", StateEnabled, "/etc/systemd/system/multi-user.target.wants/ssh.service"},
		{"mosquitto", StateEnabled, "/etc/systemd/system/multi-user.target.wants/mosquitto.service"},
		{"snmpd", StateDisabled, "no .wants/ link"},
		{"miniupnpd", StateDisabled, "masked: /etc/systemd/system/miniupnpd.service -> /dev/null"},
		{"telnetd", StateDisabled, "disable = yes (line 7)"},
		{"tftpd", StateConditional, ""},
	}
	for _, c := range cases {
		v := svc(r, c.name)
		if v == nil || v.State != c.state || v.Starts[0].Via != c.via {
			t.Errorf("%s: %+v", c.name, v)
		}
	}
	sshd := svc(r, "sshd").Auth.Settings
	// The drop-in's PasswordAuthentication no is read first and wins.
	if sshd["PasswordAuthentication"] != "no" || sshd["PermitRootLogin"] != "yes" || sshd["MaxAuthTries"] != "6" {
		t.Fatalf("sshd %v", sshd)
	}
	if p := svc(r, "tftpd").Ports; len(p) != 1 || p[0] != "udp/69" {
		t.Fatalf("tftp ports %v", p)
	}
	if svc(r, "snmpd").Auth.Settings["community public"] != "ro" {
		t.Fatalf("snmp %v", svc(r, "snmpd").Auth.Settings)
	}
	got := rulesOf(fs)
	want := map[string]int{"mqtt-anonymous": 1, "ftp-enabled": 1, "tls-verification-disabled": 2, "plaintext-update-url": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d findings, want %d (all: %v)", k, got[k], n, got)
		}
	}
	for _, no := range []string{"ssh-password-auth", "ssh-root-login", "snmp-default-community", "upnp-insecure", "telnet-enabled"} {
		if got[no] != 0 {
			t.Errorf("%s reported for a disabled or key-only service", no)
		}
	}
}

func TestBuildrootInittab(t *testing.T) {
	r, fs := run(t, dirTree(t, "testdata/buildroot", "br"), rootEmpty("br"))
	if r.Systems[0].Init != "busybox" {
		t.Fatalf("init %q", r.Systems[0].Init)
	}
	if len(r.Logins) != 1 || r.Logins[0].Kind != "getty" || !r.Logins[0].Password || r.Logins[0].TTY != "console" || r.Logins[0].At.Line != 31 {
		t.Fatalf("logins %+v", r.Logins[0])
	}
	if v := svc(r, "syslogd"); v == nil || v.State != StateEnabled || v.Starts[0].Command[0] != "/sbin/syslogd" {
		t.Fatalf("syslogd %+v", v)
	}
	if v := svc(r, "telnetd"); v == nil || v.State != StateNotStarted || !v.Applet {
		t.Fatalf("telnetd (commented out) %+v", v)
	}
	if v := svc(r, "netcat-shell"); v == nil || v.State != StateEnabled {
		t.Fatalf("nc %+v", v)
	}
	got := rulesOf(fs)
	if got["debug-shell"] != 1 || got["console-login-no-password"] != 1 || got["telnet-enabled"] != 0 {
		t.Fatalf("findings %v", got)
	}
}
