package services

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

// unitDirs are systemd's unit search path, highest priority first
// (systemd.unit(5)).
var unitDirs = []string{"etc/systemd/system", "run/systemd/system", "lib/systemd/system", "usr/lib/systemd/system"}

// unitEntry is one "Key=Value" of a unit file.
type unitEntry struct {
	Section, Key, Value string
	Line                int
}

const maxUnitEntries = 4096

// parseUnit reads a systemd unit file (systemd.syntax(7)): [Section]
// headers, Key=Value lines, '#' and ';' comments, and backslash line
// continuations.
func parseUnit(src string) []unitEntry {
	var out []unitEntry
	section := ""
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines) && len(out) < maxUnitEntries; i++ {
		l := strings.TrimSpace(lines[i])
		start := i + 1
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") || strings.HasPrefix(next, ";") {
				continue // comments inside a continuation are skipped
			}
			l = strings.TrimRight(strings.TrimSuffix(l, "\\"), " \t") + " " + next
		}
		if l == "" || l[0] == '#' || l[0] == ';' {
			continue
		}
		if l[0] == '[' && strings.HasSuffix(l, "]") {
			section = l[1 : len(l)-1]
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			continue
		}
		out = append(out, unitEntry{section, strings.TrimSpace(k), strings.TrimSpace(v), start})
	}
	return out
}

// execArgv splits an Exec*= value: leading "-@:+!" prefixes go, words are
// split as a shell would (systemd.service(5), "Command lines").
func execArgv(v string) []string {
	v = strings.TrimLeft(v, "-@:+!")
	cmds := parseShell(v)
	if len(cmds) == 0 {
		return nil
	}
	return cmds[0].Argv
}

// scanSystemd follows units enabled by *.wants/ and *.requires/ links.
func (s *system) scanSystemd() {
	units := map[string]*model.File{} // unit name -> file, by search-path priority
	var wants []*model.File
	masked := map[string]*model.File{}
	for _, d := range unitDirs {
		for _, f := range s.glob(d + "/*") {
			name := f.Base()
			if f.Entry.Type == engine.TypeSymlink && (f.Entry.Target == "/dev/null" || f.Entry.Target == "../../../dev/null") {
				if d == "etc/systemd/system" || d == "run/systemd/system" {
					masked[name] = f
				}
				continue
			}
			if f.Entry.Type == engine.TypeDir {
				continue
			}
			if _, seen := units[name]; !seen && strings.Contains(name, ".") {
				units[name] = f
			}
		}
		wants = append(wants, s.glob(d+"/*.wants/*")...)
		wants = append(wants, s.glob(d+"/*.requires/*")...)
	}
	if len(units) == 0 {
		return
	}
	if s.init == "" {
		s.init = "systemd"
	}
	enabled := map[string]*model.File{} // unit instance name -> enabling link
	for _, l := range wants {
		if _, ok := enabled[l.Base()]; !ok {
			enabled[l.Base()] = l
		}
	}
	done := map[string]bool{}
	for inst, link := range enabled {
		unit, instance := inst, ""
		if at := strings.IndexByte(inst, '@'); at >= 0 {
			dot := strings.LastIndexByte(inst, '.')
			if dot > at {
				unit, instance = inst[:at+1]+inst[dot:], inst[at+1:dot]
			}
		}
		if m := masked[inst]; m != nil || masked[unit] != nil {
			continue
		}
		f := units[inst]
		if f == nil {
			f = units[unit]
		}
		if f == nil || done[inst] {
			continue
		}
		done[inst] = true
		s.runUnit(f, instance, StateEnabled, "/"+link.Name())
	}
	// Units with nothing enabling them are not started: a negative case
	// worth recording for daemons.
	for name, f := range units {
		if done[name] || strings.Contains(name, "@") || !strings.HasSuffix(name, ".service") {
			continue
		}
		via := "no .wants/ link"
		if masked[name] != nil {
			via = "masked: " + "/" + masked[name].Name() + " -> /dev/null"
		}
		s.runUnit(f, "", StateDisabled, via)
	}
}

// runUnit records a unit's ExecStart and, for socket units, the service
// they activate.
func (s *system) runUnit(f *model.File, instance, state, via string) {
	src, ok := s.text(f)
	if !ok {
		return
	}
	name := f.Base()
	entries := parseUnit(src)
	for _, e := range entries {
		if e.Section == "Service" && e.Key == "ExecStart" && e.Value != "" {
			argv := execArgv(e.Value)
			for i := range argv {
				argv[i] = strings.ReplaceAll(strings.ReplaceAll(argv[i], "%I", instance), "%i", instance)
			}
			if strings.HasPrefix(name, "serial-getty@") || strings.HasPrefix(name, "getty@") || strings.HasPrefix(name, "console-getty") || strings.HasPrefix(name, "container-getty@") {
				if state == StateEnabled {
					s.systemdGetty(f, e, argv, instance)
				}
				continue
			}
			if sc := s.scriptFile(argv); sc != nil {
				s.runScript(sc, "systemd", state, "", via, 1)
				continue
			}
			v := s.launch("systemd", f, e.Line, argv, state, "", via)
			if v != nil {
				v.Config = appendEv(v.Config, ev(f, e.Line, e.Key+"="+e.Value))
			}
		}
		if e.Section == "Socket" && (e.Key == "ListenStream" || e.Key == "ListenDatagram") && state == StateEnabled {
			proto := "tcp"
			if e.Key == "ListenDatagram" {
				proto = "udp"
			}
			svcName := strings.TrimSuffix(name, ".socket") + ".service"
			for _, a := range entries {
				if a.Section == "Socket" && a.Key == "Accept" && (a.Value == "yes" || a.Value == "true") {
					svcName = strings.TrimSuffix(name, ".socket") + "@.service"
				}
				if a.Section == "Socket" && a.Key == "Service" {
					svcName = a.Value
				}
			}
			if sf := s.file("/lib/systemd/system/" + svcName); sf != nil {
				if v := s.firstService(sf, state, "socket "+name); v != nil {
					v.Ports = []string{proto + "/" + strings.TrimPrefix(e.Value, "0.0.0.0:")}
				}
			}
		}
	}
}

func (s *system) firstService(f *model.File, state, via string) *Service {
	src, ok := s.text(f)
	if !ok {
		return nil
	}
	for _, e := range parseUnit(src) {
		if e.Section == "Service" && e.Key == "ExecStart" {
			return s.launch("systemd", f, e.Line, execArgv(e.Value), state, "", via)
		}
	}
	return nil
}

// systemdGetty records a getty unit as a login path.
func (s *system) systemdGetty(f *model.File, e unitEntry, argv []string, instance string) {
	prog := program(argv)
	tty := instance
	if strings.HasPrefix(f.Base(), "console-getty") {
		tty = "console"
	}
	l := &Login{Kind: "getty", TTY: tty, Serial: serialTTY().MatchString(tty), Password: true, Command: prog,
		At: ev(f, e.Line, e.Key+"="+e.Value), State: StateEnabled}
	if len(prog) > 0 {
		gettyOptions(l, prog)
	}
	s.logins = append(s.logins, l)
}

func appendEv(list []model.Evidence, e model.Evidence) []model.Evidence {
	for _, x := range list {
		if x.Path == e.Path && x.Line == e.Line {
			return list
		}
	}
	return append(list, e)
}
