package services

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > 65535 {
		return 0, fmt.Errorf("bad port %q", s)
	}
	return n, nil
}

// analyzeDaemons reads each started or present daemon's options and
// configuration for authentication, TLS and ports.
func (s *system) analyzeDaemons() {
	for _, v := range s.order {
		switch v.Name {
		case "telnetd":
			s.telnetd(v)
		case "dropbear":
			s.dropbear(v)
		case "sshd":
			s.sshd(v)
		case "uhttpd":
			s.uhttpd(v)
		case "appweb":
			s.appweb(v)
		case "lighttpd":
			s.lighttpd(v)
		case "httpd":
			s.busyboxHTTPD(v)
		case "snmpd":
			s.snmpd(v)
		case "mosquitto":
			s.mosquitto(v)
		case "miniupnpd":
			s.miniupnpd(v)
		case "netcat-shell", "adbd", "gdbserver":
			v.Auth = &Auth{Required: false, Methods: []string{"none"}}
		}
	}
}

// argsOf returns the command lines of a service's enabled or conditional
// starts (or all, when none is).
func argsOf(v *Service) [][]string {
	var out, all [][]string
	for _, st := range v.Starts {
		all = append(all, st.Command)
		if st.State == StateEnabled || st.State == StateConditional {
			out = append(out, st.Command)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}

// optValue returns the value of a short option: "-p 23", "-p23".
func optValue(argv []string, opt string) (string, bool) {
	for i, a := range argv {
		if a == opt && i+1 < len(argv) {
			return argv[i+1], true
		}
		if strings.HasPrefix(a, opt) && len(a) > len(opt) && !strings.HasPrefix(a, "--") {
			return a[len(opt):], true
		}
	}
	return "", false
}

func hasFlag(argv []string, flag byte) bool {
	for _, a := range argv[1:] {
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.IndexByte(a[1:], flag) >= 0 {
			return true
		}
	}
	return false
}

// telnetd: BusyBox telnetd runs /bin/login unless -l names another program
// (networking/telnetd.c); -p sets the port.
func (s *system) telnetd(v *Service) {
	v.Auth = &Auth{Required: true, Methods: []string{"password"}, Settings: map[string]string{"login_program": "/bin/login"}}
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "-l"); ok {
			v.Auth.Settings["login_program"] = p
			if shells[path.Base(p)] {
				v.Auth.Required, v.Auth.Methods = false, []string{"none"}
			}
		}
		if p, ok := optValue(argv, "-p"); ok {
			v.Ports = []string{"tcp/" + p}
		}
	}
	v.TLS = &TLS{Enabled: false, Notes: []string{"telnet sends credentials and the session in clear text"}}
}

// dropbear: -s disables password logins, -g password logins for root, -w
// root logins; -p [addr:]port (dropbear(8)). On OpenWrt the init script
// builds these from /etc/config/dropbear (PasswordAuth, RootPasswordAuth,
// RootLogin, Port; bool defaults 1, port 22).
func (s *system) dropbear(v *Service) {
	a := &Auth{Required: true, Methods: []string{"password", "publickey"}, Settings: map[string]string{
		"password_auth": "on", "root_password_auth": "on", "root_login": "on"}}
	v.Auth = a
	for _, argv := range argsOf(v) {
		if hasFlag(argv, 's') {
			a.Settings["password_auth"] = "off"
		}
		if hasFlag(argv, 'g') {
			a.Settings["root_password_auth"] = "off"
		}
		if hasFlag(argv, 'w') {
			a.Settings["root_login"] = "off"
		}
		if p, ok := optValue(argv, "-p"); ok && !strings.Contains(p, "$") {
			v.Ports = []string{"tcp/" + p}
		}
	}
	if f, src, ok := s.textAt("/etc/config/dropbear"); ok && s.init == "procd" {
		var ports []string
		n := 0
		for _, sec := range parseUCI(src) {
			if sec.Type != "dropbear" {
				continue
			}
			n++
			if e, ok := sec.get("enable"); ok {
				if b, ok := uciBool(e.Value); ok && !b {
					a.Evidence = append(a.Evidence, ev(f, e.Line, "option enable "+e.Value))
					continue
				}
			}
			for key, set := range map[string]string{"PasswordAuth": "password_auth", "RootPasswordAuth": "root_password_auth", "RootLogin": "root_login"} {
				if o, ok := sec.get(key); ok {
					if b, ok := uciBool(o.Value); ok {
						a.Settings[set] = onOff(b)
						a.Evidence = append(a.Evidence, ev(f, o.Line, "option "+key+" '"+o.Value+"'"))
					}
				}
			}
			port := "22"
			if o, ok := sec.get("Port"); ok {
				port = o.Value
			}
			ports = append(ports, "tcp/"+port)
			if o, ok := sec.get("Interface"); ok {
				v.Notes = append(v.Notes, "listens on interface "+o.Value+" only")
			}
		}
		if n > 0 {
			v.Ports = ports
			v.Config = appendEv(v.Config, ev(f, 1, "config dropbear"))
		}
	}
	if a.Settings["password_auth"] == "off" {
		a.Methods = []string{"publickey"}
	}
	v.TLS = &TLS{Enabled: true, Notes: []string{"SSH transport encryption"}}
	s.res.Limits = append(s.res.Limits, &Fact{Topic: "dropbear", Signal: Neutral,
		Summary: "dropbear delays each failed authentication and closes the connection after MAX_AUTH_TRIES (10 by default) attempts; it has no lockout across connections",
		Props:   map[string]string{"max_auth_tries": "10 (compile-time default)"},
		Evidence: []model.Evidence{func() model.Evidence {
			if f := s.file(v.Binary); f != nil {
				return ev(f, 0, "")
			}
			return v.Starts[0].At
		}()}})
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// sshd reads sshd_config (sshd_config(5)): for each keyword the first value
// obtained wins; Match blocks apply to some connections only and are noted.
func (s *system) sshd(v *Service) {
	cfg := "/etc/ssh/sshd_config"
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "-f"); ok {
			cfg = p
		}
	}
	a := &Auth{Required: true, Methods: []string{"password", "publickey"}, Settings: map[string]string{
		"PasswordAuthentication": "yes", "PermitRootLogin": "prohibit-password", "PermitEmptyPasswords": "no", "MaxAuthTries": "6"}}
	if v.Auth != nil { // set by a caller that knows better (network-console)
		for k, val := range v.Auth.Settings {
			a.Settings[k] = val
		}
		a.Evidence = v.Auth.Evidence
	}
	v.Auth = a
	v.TLS = &TLS{Enabled: true, Notes: []string{"SSH transport encryption"}}
	f, src, ok := s.textAt(cfg)
	if !ok {
		return
	}
	v.Config = appendEv(v.Config, ev(f, 0, cfg))
	set := map[string]bool{}
	for _, d := range parseSSHD(src, func(glob string) []string { return s.includeTexts(f, glob) }) {
		if d.Match != "" {
			v.Notes = append(v.Notes, fmt.Sprintf("%s %s applies only under Match %s (%s line %d)", d.Key, d.Value, d.Match, d.File, d.Line))
			continue
		}
		k := canonicalSSHD[strings.ToLower(d.Key)]
		if k == "" || set[k] {
			continue
		}
		set[k] = true
		a.Settings[k] = d.Value
		if k == "Port" {
			v.Ports = []string{"tcp/" + d.Value}
		}
		e := ev(f, d.Line, d.Key+" "+d.Value)
		if d.File != "" && d.File != f.Path {
			e.Path = d.File
		}
		a.Evidence = append(a.Evidence, e)
	}
	if strings.EqualFold(a.Settings["PasswordAuthentication"], "no") && !strings.EqualFold(a.Settings["KbdInteractiveAuthentication"], "yes") {
		a.Methods = []string{"publickey"}
	}
	s.res.Limits = append(s.res.Limits, &Fact{Topic: "sshd", Signal: Neutral,
		Summary:  "sshd allows MaxAuthTries=" + a.Settings["MaxAuthTries"] + " authentication attempts per connection",
		Props:    map[string]string{"MaxAuthTries": a.Settings["MaxAuthTries"]},
		Evidence: []model.Evidence{ev(f, 0, cfg)}})
}

var canonicalSSHD = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{"PasswordAuthentication", "PermitRootLogin", "PermitEmptyPasswords", "MaxAuthTries",
		"Port", "ListenAddress", "KbdInteractiveAuthentication", "ChallengeResponseAuthentication", "PubkeyAuthentication",
		"UsePAM", "Ciphers", "MACs", "KexAlgorithms", "Protocol", "LoginGraceTime"} {
		m[strings.ToLower(k)] = k
	}
	return m
}()

// includeTexts returns the files an Include pattern names, relative ones
// from /etc/ssh (sshd_config(5)).
func (s *system) includeTexts(from *model.File, glob string) []string {
	if !strings.HasPrefix(glob, "/") {
		glob = "/etc/ssh/" + glob
	}
	var out []string
	for _, f := range s.glob(strings.TrimPrefix(glob, "/")) {
		if src, ok := s.text(f); ok {
			out = append(out, f.Path, src)
		}
	}
	return out
}

// sshdDirective is one keyword line of sshd_config.
type sshdDirective struct {
	Key, Value string
	Line       int
	File       string // layer path when read through Include
	Match      string // the Match criteria it sits under
}

const maxSSHDIncludes = 16

// parseSSHD reads sshd_config: "Keyword value" or "Keyword=value", '#'
// comments, Match blocks until the next Match or the end, and Include.
// include returns (layer path, text) pairs for a pattern.
func parseSSHD(src string, include func(string) []string) []sshdDirective {
	var out []sshdDirective
	var walk func(src, file string, depth int)
	walk = func(src, file string, depth int) {
		match := ""
		for n, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if t == "" || t[0] == '#' || len(out) >= maxInittab {
				continue
			}
			k, val := t, ""
			if i := strings.IndexAny(t, " \t="); i >= 0 {
				k, val = t[:i], strings.TrimSpace(strings.TrimLeft(t[i:], " \t="))
			}
			if strings.HasPrefix(val, "\"") && strings.HasSuffix(val, "\"") && len(val) >= 2 {
				val = val[1 : len(val)-1]
			}
			switch strings.ToLower(k) {
			case "match":
				match = val
				if strings.EqualFold(val, "all") {
					match = ""
				}
				continue
			case "include":
				if include != nil && depth < maxSSHDIncludes {
					for _, pat := range strings.Fields(val) {
						inc := include(pat)
						for i := 0; i+1 < len(inc); i += 2 {
							walk(inc[i+1], inc[i], depth+1)
						}
					}
				}
				continue
			}
			out = append(out, sshdDirective{Key: k, Value: val, Line: n + 1, File: file, Match: match})
		}
	}
	walk(src, "", 0)
	return out
}
