package services

import (
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// inetdLine is one service of /etc/inetd.conf (inetd.conf(5), BusyBox
// inetd): service socket-type protocol wait user server-path args...
type inetdLine struct {
	Line    int
	Service string
	Proto   string
	Argv    []string // server path, then its argv (argv[0] included)
	Raw     string
}

func parseInetd(src string) []inetdLine {
	var out []inetdLine
	for n, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' || len(out) >= maxInittab {
			continue
		}
		f := strings.Fields(t)
		if len(f) < 6 {
			continue
		}
		out = append(out, inetdLine{Line: n + 1, Service: f[0], Proto: f[2], Argv: f[5:], Raw: t})
	}
	return out
}

// wellKnown maps /etc/services names used by inetd to ports.
var wellKnown = map[string]string{"telnet": "23", "ftp": "21", "tftp": "69", "ssh": "22", "http": "80", "www": "80",
	"shell": "514", "login": "513", "exec": "512", "finger": "79", "snmp": "161", "time": "37", "daytime": "13",
	"echo": "7", "discard": "9", "chargen": "19", "rsync": "873", "swat": "901"}

func (s *system) scanInetd() {
	if f, src, ok := s.textAt("/etc/inetd.conf"); ok {
		for _, e := range parseInetd(src) {
			if len(e.Argv) == 0 || e.Argv[0] == "internal" {
				continue
			}
			argv := append([]string{e.Argv[0]}, e.Argv[min(2, len(e.Argv)):]...) // drop the argv[0] inetd passes
			if len(e.Argv) < 2 {
				argv = e.Argv
			}
			if v := s.launch("inetd", f, e.Line, argv, StateConditional, "inetd runs", ""); v != nil {
				v.Ports = inetdPorts(e.Service, e.Proto)
				v.Config = appendEv(v.Config, ev(f, e.Line, e.Raw))
			}
		}
	}
	for _, f := range s.glob("etc/xinetd.d/*") {
		src, ok := s.text(f)
		if !ok {
			continue
		}
		for _, x := range parseXinetd(src) {
			s.xinetdService(f, x)
		}
	}
}

func inetdPorts(service, proto string) []string {
	p := strings.TrimSuffix(strings.TrimSuffix(proto, "6"), "4")
	if strings.HasPrefix(p, "tcp") || strings.HasPrefix(p, "udp") {
		p = p[:3]
	}
	if n, ok := wellKnown[service]; ok {
		return []string{p + "/" + n}
	}
	if _, err := parsePort(service); err == nil {
		return []string{p + "/" + service}
	}
	return []string{p + "/" + service}
}

// xinetdService is one "service NAME { ... }" block of xinetd.conf(5).
type xinetdService struct {
	Name  string
	Line  int
	Attrs map[string]string
	Lines map[string]int
}

func parseXinetd(src string) []xinetdService {
	var out []xinetdService
	var cur *xinetdService
	lines := strings.Split(src, "\n")
	for n, l := range lines {
		t := strings.TrimSpace(l)
		if i := strings.IndexByte(t, '#'); i >= 0 {
			t = strings.TrimSpace(t[:i])
		}
		if t == "" {
			continue
		}
		switch {
		case cur == nil && strings.HasPrefix(t, "service"):
			name := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "service"), "{"))
			if len(out) < maxInittab {
				out = append(out, xinetdService{Name: name, Line: n + 1, Attrs: map[string]string{}, Lines: map[string]int{}})
				cur = &out[len(out)-1]
			}
		case t == "}":
			cur = nil
		case cur != nil && t != "{":
			k, v, ok := strings.Cut(t, "=")
			if !ok {
				continue
			}
			k = strings.TrimSpace(strings.TrimRight(k, "+-"))
			cur.Attrs[k] = strings.TrimSpace(v)
			cur.Lines[k] = n + 1
		}
	}
	return out
}

func (s *system) xinetdService(f *model.File, x xinetdService) {
	server := x.Attrs["server"]
	if server == "" {
		return // an INTERNAL service (echo, daytime...)
	}
	argv := append([]string{server}, strings.Fields(x.Attrs["server_args"])...)
	state, cond := StateConditional, "xinetd runs"
	if strings.EqualFold(x.Attrs["disable"], "yes") {
		state, cond = StateDisabled, ""
	}
	v := s.launch("xinetd", f, x.Line, argv, state, cond, "")
	if v == nil {
		return
	}
	if state == StateDisabled {
		v.Starts[len(v.Starts)-1].Via = "disable = yes (line " + strconv.Itoa(x.Lines["disable"]) + ")"
	}
	proto := x.Attrs["protocol"]
	if proto == "" {
		proto = "tcp"
		if x.Attrs["socket_type"] == "dgram" {
			proto = "udp"
		}
	}
	if p := x.Attrs["port"]; p != "" {
		v.Ports = []string{proto + "/" + p}
	} else {
		v.Ports = inetdPorts(x.Name, proto)
	}
	v.Config = appendEv(v.Config, ev(f, x.Line, "service "+x.Name))
}
