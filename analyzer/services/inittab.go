package services

import (
	"path"
	"strings"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/model"
)

// inittabEntry is one line of /etc/inittab: id:runlevels:action:process.
// SysV init uses all four fields; BusyBox init takes id as the terminal
// (empty: /dev/console) and ignores runlevels; OpenWrt's procd reads the
// same syntax with its own actions (askconsole, respawnlate).
type inittabEntry struct {
	Line      int
	ID        string
	Runlevels string
	Action    string
	Process   string
	Raw       string
}

const maxInittab = 4096

func parseInittab(src string) []inittabEntry {
	var out []inittabEntry
	for n, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' || len(out) >= maxInittab {
			continue
		}
		f := strings.SplitN(t, ":", 4)
		if len(f) != 4 {
			continue
		}
		out = append(out, inittabEntry{Line: n + 1, ID: strings.TrimSpace(f[0]), Runlevels: strings.TrimSpace(f[1]),
			Action: strings.TrimSpace(f[2]), Process: strings.TrimSpace(f[3]), Raw: t})
	}
	return out
}

// actions that run a process on a terminal for a user.
var ttyActions = map[string]bool{"respawn": true, "askfirst": true, "askconsole": true, "once": true, "wait": true, "respawnlate": true}

// actions that run at boot.
var bootActions = map[string]bool{"sysinit": true, "boot": true, "bootwait": true, "respawn": true, "askfirst": true,
	"askconsole": true, "once": true, "wait": true, "respawnlate": true}

var ttyWord = lazyre.New(`^(/dev/)?(console|tty[A-Za-z]*[0-9]+|hvc[0-9]+|ttyGS[0-9]+|ttyUSB[0-9]+)$`)
var serialTTY = lazyre.New(`^(console|hvc[0-9]+|tty(S|AMA|mxc|O|PS|SAC|MSM|HS|MV|USB|GS|LP|MFD|THS|SC|MT|AS|BCM|SIF|UL|X|FIQ)[0-9]+)$`)

func (s *system) detectInit() {
	switch {
	case s.file("/sbin/procd") != nil && s.file("/etc/rc.common") != nil:
		s.init = "procd"
	case s.file("/lib/systemd/systemd") != nil || s.file("/usr/lib/systemd/systemd") != nil:
		s.init = "systemd"
	case s.isApplet("/sbin/init") || s.isApplet("/linuxrc"):
		s.init = "busybox"
	case s.file("/sbin/init") != nil && s.file("/etc/inittab") != nil:
		s.init = "sysvinit"
	}
}

func (s *system) scanInit() {
	s.detectInit()
	f, src, ok := s.textAt("/etc/inittab")
	if !ok {
		if s.init == "busybox" {
			s.busyboxDefaultInittab()
		}
	} else {
		if s.init == "" {
			s.init = "sysvinit"
		}
		s.scanInittab(f, src)
	}
	s.scanInitScripts()
}

// busyboxDefaultInittab: with no /etc/inittab, BusyBox init runs
// /etc/init.d/rcS and an askfirst shell on the console (init/init.c,
// parse_inittab's fallback).
func (s *system) busyboxDefaultInittab() {
	f := s.file("/sbin/init")
	if f == nil {
		f = s.file("/linuxrc")
	}
	if rc, _, ok := s.textAt("/etc/init.d/rcS"); ok {
		s.runScript(rc, "inittab", StateEnabled, "", "BusyBox init default (no /etc/inittab)", 0)
	}
	s.logins = append(s.logins, &Login{Kind: "shell", TTY: "console", Serial: true, Command: []string{"-/bin/sh"},
		At: ev(f, 0, "BusyBox init without /etc/inittab: ::askfirst:-/bin/sh"), State: StateEnabled,
		Notes: []string{"BusyBox init's built-in default gives an askfirst root shell on the console"}})
}

func (s *system) scanInittab(f *model.File, src string) {
	for _, e := range parseInittab(src) {
		if !bootActions[e.Action] {
			continue
		}
		proc := strings.TrimPrefix(e.Process, "-") // BusyBox: "-" asks for a login shell
		cmds := parseShell(proc)
		for _, c := range cmds {
			if ttyActions[e.Action] && s.loginFromCommand(f, e, c.Argv) {
				continue
			}
			if len(c.Argv) > 0 {
				if sc := s.scriptFile(c.Argv); sc != nil {
					s.runScript(sc, "inittab", StateEnabled, "", "", 0)
					continue
				}
			}
			s.launch("inittab", f, e.Line, c.Argv, StateEnabled, "", "")
		}
	}
}

// loginFromCommand records a terminal login path when the inittab process
// is a shell, a getty or login. It tells whether it was one.
func (s *system) loginFromCommand(f *model.File, e inittabEntry, argv []string) bool {
	prog := program(argv)
	if len(prog) == 0 {
		return false
	}
	base := path.Base(prog[0])
	// BusyBox names the terminal in the id field (empty: the console);
	// SysV ids are labels and the getty names its port.
	tty := ""
	if ttyWord().MatchString(e.ID) {
		tty = strings.TrimPrefix(e.ID, "/dev/")
	}
	for _, a := range prog[1:] {
		if tty == "" && ttyWord().MatchString(a) {
			tty = strings.TrimPrefix(a, "/dev/")
		}
	}
	if tty == "" {
		tty = "console"
	}
	l := &Login{TTY: tty, Serial: serialTTY().MatchString(tty), Command: prog, At: ev(f, e.Line, e.Raw), State: StateEnabled}
	switch {
	case shells[base]:
		l.Kind = "shell"
		if e.Action == "askfirst" || e.Action == "askconsole" {
			l.Notes = append(l.Notes, "shell starts after Enter is pressed ("+e.Action+"), no password asked")
		}
	case gettys[base]:
		l.Kind, l.Password = "getty", true
		gettyOptions(l, prog)
	case base == "login":
		l.Kind, l.Password = "login", true
		for i, a := range prog {
			if a == "-f" && i+1 < len(prog) {
				l.Password, l.Account = false, prog[i+1]
				l.Notes = append(l.Notes, "login -f skips authentication")
			}
		}
	default:
		return false
	}
	if e.Action == "askconsole" {
		l.TTY, l.Serial = "console", true
	}
	s.logins = append(s.logins, l)
	return true
}

// gettyOptions reads getty's options that skip the login program: -n with
// -l PROG (BusyBox and agetty), -a/--autologin USER (agetty).
func gettyOptions(l *Login, argv []string) {
	prog := ""
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		next := func() string {
			if i+1 < len(argv) {
				i++
				return argv[i]
			}
			return ""
		}
		switch {
		case a == "-l" || a == "--login-program":
			prog = next()
		case strings.HasPrefix(a, "--login-program="):
			prog = strings.TrimPrefix(a, "--login-program=")
		case a == "-a" || a == "--autologin":
			l.Account = next()
			l.Password = false
			l.Notes = append(l.Notes, "getty logs "+l.Account+" in automatically")
		case strings.HasPrefix(a, "--autologin="):
			l.Account = strings.TrimPrefix(a, "--autologin=")
			l.Password = false
			l.Notes = append(l.Notes, "getty logs "+l.Account+" in automatically")
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && len(a) > 2 && strings.HasSuffix(a, "l"):
			prog = next() // bundled: -nl /bin/sh
		}
	}
	if prog != "" && shells[path.Base(prog)] {
		l.Password = false
		l.Notes = append(l.Notes, "getty runs "+prog+" instead of login")
	} else if prog != "" {
		l.Notes = append(l.Notes, "getty runs "+prog+" as its login program")
	}
}

// scriptFile returns the script a command runs, if it is one in the image:
// "/etc/init.d/rcS S boot", "sh /etc/rc.local", ". /etc/profile.d/x.sh".
func (s *system) scriptFile(argv []string) *model.File {
	p := argv[0]
	viaShell := false
	switch path.Base(p) {
	case "sh", "ash", "bash", ".", "source":
		if len(argv) < 2 || strings.HasPrefix(argv[1], "-") {
			return nil
		}
		p, viaShell = argv[1], true
	}
	if !strings.HasPrefix(p, "/") {
		return nil
	}
	f, _ := s.find(p)
	src, ok := s.text(f)
	if !ok || src == "" {
		return nil
	}
	first := lineText(src, 1)
	if !viaShell && !(strings.HasPrefix(first, "#!") && strings.Contains(first, "sh")) {
		return nil
	}
	return f
}

// stopFuncs are the init-script functions that do not start the service.
var stopFuncs = map[string]bool{"stop": true, "stop_service": true, "reload": true, "reload_service": true,
	"shutdown": true, "killclients": true, "service_triggers": true, "status": true, "service_stopped": true,
	"stop_instance": true, "do_stop": true, "d_stop": true, "usage": true}

// runScript follows a shell script run at boot and records what it starts.
func (s *system) runScript(f *model.File, mech, state, cond, via string, depth int) {
	if depth > maxDepth || s.visited[f.Path] || s.ctx.Err() != nil {
		return
	}
	s.visited[f.Path] = true
	src, ok := s.text(f)
	if !ok {
		return
	}
	var last *Start
	lastFunc := ""
	for _, c := range parseShell(src) {
		if stopFuncs[c.Func] || len(c.Argv) == 0 {
			continue
		}
		cc, skip := scriptConds(c.Conds)
		if skip {
			continue
		}
		st, cd := state, cond
		if cc != "" {
			st = StateConditional
			if state == StateDisabled {
				st = StateDisabled
			}
			if cd != "" {
				cd += " && "
			}
			cd += cc
		}
		// procd_append_param command ARGS adds to the last command of the
		// same function; conditional additions are left to the daemon's
		// own analysis, which reads its configuration.
		if c.Argv[0] == "procd_append_param" && len(c.Argv) > 2 && c.Argv[1] == "command" {
			if last != nil && lastFunc == c.Func && len(c.Conds) == 0 {
				last.Command = append(last.Command, c.Argv[2:]...)
			}
			continue
		}
		if sc := s.scriptFile(c.Argv); sc != nil && sc != f {
			s.runScript(sc, "script", st, cd, "", depth+1)
			continue
		}
		if v := s.launch(mech, f, c.Line, c.Argv, st, cd, via); v != nil {
			last, lastFunc = v.Starts[len(v.Starts)-1], c.Func
		}
	}
}

// scriptConds joins the conditions of a command that decide whether it
// runs, skipping tests that only check a file exists. skip is true for the
// branches of "case $1 in stop)" and the like.
func scriptConds(conds []string) (string, bool) {
	var out []string
	for _, c := range conds {
		if strings.HasPrefix(c, "case ") {
			pat := strings.TrimPrefix(c, "case ")
			if pat == "*" || !strings.Contains(pat, "start") && !strings.Contains(pat, "boot") {
				return "", true
			}
			continue
		}
		if existenceTest().MatchString(c) {
			continue
		}
		out = append(out, c)
	}
	return strings.Join(out, " && "), false
}

var existenceTest = lazyre.New(`^!?\s*(\[|test)\s+-[xfesrdL]\s+\S+\s*\]?$`)

// scanInitScripts follows the init.d scripts the init system runs.
func (s *system) scanInitScripts() {
	scripts := s.glob("etc/init.d/*")
	links := map[string][]*model.File{} // script path -> S links
	for _, dir := range []string{"etc/rc.d", "etc/rcS.d", "etc/rc2.d", "etc/rc3.d", "etc/rc5.d", "etc/rc.d/rc3.d", "etc/rc.d/rcS.d"} {
		for _, l := range s.glob(dir + "/S*") {
			if t := s.t.Lookup(l, "/"+l.Name()); t != nil {
				links[t.Path] = append(links[t.Path], l)
			}
		}
	}
	// Buildroot's and BusyBox's rcS run /etc/init.d/S??* in order.
	rcsLoop := false
	if _, src, ok := s.textAt("/etc/init.d/rcS"); ok && strings.Contains(src, "/etc/init.d/S??") {
		rcsLoop = true
	}
	for _, f := range scripts {
		if f.Entry.Type == "dir" {
			continue
		}
		base := f.Base()
		if base == "rcS" || base == "rcK" || base == "rc" || base == "rc.local" || base == "functions" || strings.HasSuffix(base, ".sh") && !rcsLoop {
			continue
		}
		switch {
		case len(links[f.Path]) > 0:
			mech := "sysv"
			if s.init == "procd" {
				mech = "procd"
			}
			s.runScript(f, mech, StateEnabled, "", "/"+links[f.Path][0].Name(), 0)
		case rcsLoop && len(base) > 3 && base[0] == 'S' && isDigit(base[1]) && isDigit(base[2]):
			s.runScript(f, "sysv", StateEnabled, "", "/etc/init.d/rcS runs /etc/init.d/S??*", 0)
		default:
			via := "no start link in /etc/rc.d"
			if s.init != "procd" {
				via = "no start link in /etc/rc?.d"
			}
			s.runScript(f, "sysv", StateDisabled, "", via, 0)
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
