package services

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func read(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseInittab(t *testing.T) {
	e := parseInittab(read(t, "testdata/buildroot/etc/inittab"))
	// Buildroot's inittab: 11 sysinit, 1 respawn, 3 shutdown; the
	// commented ctrlaltdel is not an entry.
	if len(e) != 15 {
		t.Fatalf("%d entries", len(e))
	}
	g := e[11]
	if g.ID != "console" || g.Action != "respawn" || g.Process != "/sbin/getty -L  console 0 vt100 # GENERIC_SERIAL" || g.Line != 31 {
		t.Fatalf("%+v", g)
	}
	if cmds := parseShell(g.Process); len(cmds) != 1 || !reflect.DeepEqual(cmds[0].Argv, []string{"/sbin/getty", "-L", "console", "0", "vt100"}) {
		t.Fatalf("%+v", cmds)
	}
	ow := parseInittab(read(t, "testdata/openwrt/etc/inittab"))
	if len(ow) != 3 || ow[2].Action != "askconsole" || ow[2].Process != "/bin/ash --login" {
		t.Fatalf("%+v", ow)
	}
	sysv := parseInittab("id:2:initdefault:\nT0:23:respawn:/sbin/getty -L ttyS0 9600 vt100\n#T1:23:respawn:/sbin/getty -L ttyS1 9600 vt100\n")
	if len(sysv) != 2 || sysv[1].Runlevels != "23" {
		t.Fatalf("%+v", sysv)
	}
}

func TestParseUCI(t *testing.T) {
	secs := parseUCI(read(t, "testdata/openwrt/etc/config/uhttpd"))
	if len(secs) != 2 || secs[0].Type != "uhttpd" || secs[0].Name != "main" || secs[1].Type != "cert" || secs[1].Name != "px5g" {
		t.Fatalf("%+v", secs)
	}
	m := secs[0]
	if l := m.Lists["listen_https"]; len(l) != 2 || l[1].Value != "[::]:443" || l[1].Line != 10 {
		t.Fatalf("%+v", l)
	}
	// commented options are not read
	if _, ok := m.Options["realm"]; ok {
		t.Fatal("commented realm read")
	}
	if m.Options["cert"].Value != "/etc/uhttpd.crt" {
		t.Fatal(m.Options["cert"])
	}
	d := parseUCI(read(t, "testdata/openwrt/etc/config/dropbear"))
	if len(d) != 1 || d[0].Name != "" || d[0].Options["PasswordAuth"].Value != "on" || len(d[0].Options) != 3 {
		t.Fatalf("%+v", d[0])
	}
	q := parseUCI("config 'a b' \"n\\\"x\"\n\toption k 'v w' # c\n\toption u \"x#y\"\n\tlist l a\n\tlist l 'b c'\n\toption bad 'open\n")
	if q[0].Type != "a b" || q[0].Name != `n"x` || q[0].Options["k"].Value != "v w" || q[0].Options["u"].Value != "x#y" ||
		len(q[0].Lists["l"]) != 2 || q[0].Lists["l"][1].Value != "b c" || len(q[0].Options) != 2 {
		t.Fatalf("%+v", q[0])
	}
}

func TestParseShell(t *testing.T) {
	cmds := parseShell(read(t, "testdata/openwrt/etc/init.d/telnet"))
	var set *shCmd
	for i, c := range cmds {
		if len(c.Argv) > 1 && c.Argv[0] == "procd_set_param" {
			set = &cmds[i]
		}
	}
	if set == nil || set.Func != "start_service" || set.Line != 35 ||
		!reflect.DeepEqual(set.Argv, []string{"procd_set_param", "command", "/usr/sbin/telnetd", "-F", "-l", "/bin/login.sh"}) ||
		len(set.Conds) != 1 || !strings.HasPrefix(set.Conds[0], "( ! has_ssh_pubkey") {
		t.Fatalf("%+v", set)
	}
	c := parseShell("A=1\nif [ -x /bin/x ]; then\n  x -p \"$A\" 2>&1 >/dev/null && y 'a b'\nelse z; fi\ncat <<EOF\nnot a command\nEOF\ncase \"$1\" in\n start|boot) s ;;\n stop) k ;;\nesac\n")
	want := []struct {
		line  int
		argv  string
		conds string
	}{{1, "A=1", ""}, {3, "x -p 1", "[ -x /bin/x ]"}, {3, "y a b", "[ -x /bin/x ] | x -p \"$A\""},
		{4, "z", "! ([ -x /bin/x ])"}, {5, "cat", ""}, {9, "s", "case start|boot"}, {10, "k", "case stop"}}
	if len(c) != len(want) {
		t.Fatalf("%d commands: %+v", len(c), c)
	}
	for i, w := range want {
		if c[i].Line != w.line || strings.Join(c[i].Argv, " ") != w.argv || strings.Join(c[i].Conds, " | ") != w.conds {
			t.Errorf("%d: %d %q %q", i, c[i].Line, c[i].Argv, c[i].Conds)
		}
	}
}

func TestProgram(t *testing.T) {
	cases := map[string]string{
		"start-stop-daemon -b -m -S -q -p /var/run/s.pid -x /sbin/syslogd -- -n": "/sbin/syslogd -n",
		"start-stop-daemon -K -q -p /var/run/s.pid":                              "",
		"start-stop-daemon --start --exec /usr/sbin/sshd -- -D":                  "/usr/sbin/sshd -D",
		"procd_set_param command /usr/sbin/dropbear -F":                          "/usr/sbin/dropbear -F",
		"exec nohup env A=1 busybox telnetd -l /bin/sh":                          "telnetd -l /bin/sh",
		"sh -c 'nc -lp 23 -e /bin/sh'":                                           "nc -lp 23 -e /bin/sh",
	}
	for in, want := range cases {
		if got := strings.Join(program(parseShell(in)[0].Argv), " "); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
	if !isNetcatShell([]string{"nc", "-lp", "23", "-e", "/bin/sh"}) || isNetcatShell([]string{"nc", "host", "23"}) {
		t.Fatal("netcat")
	}
}

func TestParseSSHD(t *testing.T) {
	d := parseSSHD(read(t, "testdata/debian/etc/ssh/sshd_config"), func(string) []string {
		return []string{"inc", "PasswordAuthentication no\n"}
	})
	var keys []string
	for _, x := range d {
		keys = append(keys, x.Key+"="+x.Value)
	}
	// Debian's file: Include first, then the active lines; comments are not read.
	want := "PasswordAuthentication=no PermitRootLogin=yes KbdInteractiveAuthentication=no UsePAM=yes X11Forwarding=yes PrintMotd=no AcceptEnv=LANG LC_* Subsystem=sftp	/usr/lib/openssh/sftp-server"
	if strings.Join(keys, " ") != want {
		t.Fatalf("%s", strings.Join(keys, " "))
	}
	m := parseSSHD("PasswordAuthentication yes\nMatch User backup\n  PermitRootLogin yes\nMatch all\nPort=2222\n", nil)
	if m[1].Match != "User backup" || m[2].Match != "" || m[2].Value != "2222" {
		t.Fatalf("%+v", m)
	}
}

func TestParseUnitInetdCron(t *testing.T) {
	u := parseUnit("[Service]\nExecStart=/usr/bin/a \\\n  -x \\\n# c\n  -y\n;Restart=no\n")
	if len(u) != 1 || u[0].Value != "/usr/bin/a -x -y" {
		t.Fatalf("%+v", u)
	}
	if a := execArgv("-@/usr/sbin/sshd -D"); !reflect.DeepEqual(a, []string{"/usr/sbin/sshd", "-D"}) {
		t.Fatal(a)
	}
	x := parseXinetd(read(t, "testdata/debian/etc/xinetd.d/telnet"))
	if len(x) != 1 || x[0].Name != "telnet" || x[0].Attrs["disable"] != "yes" || x[0].Attrs["server"] != "/usr/sbin/in.telnetd" {
		t.Fatalf("%+v", x)
	}
	in := parseInetd("#telnet stream tcp nowait root /usr/sbin/telnetd telnetd\nftp\tstream\ttcp\tnowait\troot\t/usr/sbin/ftpd\tftpd -w /srv\n")
	if len(in) != 1 || in[0].Service != "ftp" || !reflect.DeepEqual(in[0].Argv, []string{"/usr/sbin/ftpd", "ftpd", "-w", "/srv"}) {
		t.Fatalf("%+v", in)
	}
	j := parseCrontab(read(t, "testdata/debian/etc/cron.d/fwcheck"), true)
	if len(j) != 2 || j[0].Line != 3 || !strings.HasPrefix(j[0].Command, "wget --no-check-certificate") || j[1].Schedule != "@reboot" {
		t.Fatalf("%+v", j)
	}
}

func TestWeakTLS(t *testing.T) {
	for line, want := range map[string]bool{
		"ssl_protocols TLSv1 TLSv1.1 TLSv1.2;":  true,
		"ssl_protocols TLSv1.2 TLSv1.3;":        false,
		"SSLProtocol all -SSLv3 -TLSv1":         false,
		"ssl_ciphers HIGH:!aNULL:!MD5;":         false,
		"ssl_ciphers RC4-SHA:AES128-SHA;":       true,
		"SSLCipherSuite ALL:!ADH:EXPORT56:RC4+": true,
	} {
		if got := weakTLS(line) != ""; got != want {
			t.Errorf("%s: %v", line, got)
		}
	}
}
