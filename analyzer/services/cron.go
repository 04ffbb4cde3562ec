package services

import (
	"strings"
)

// cronJob is one job of a crontab (crontab(5)): five time fields or an
// @keyword, then (in system crontabs) a user, then the command.
type cronJob struct {
	Line     int
	Schedule string
	Command  string
}

func parseCrontab(src string, system bool) []cronJob {
	var out []cronJob
	for n, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' || len(out) >= maxInittab {
			continue
		}
		f := strings.Fields(t)
		nTime := 5
		if strings.HasPrefix(f[0], "@") {
			nTime = 1
		} else if _, _, ok := splitAssign(f[0]); ok {
			continue // MAILTO=, PATH=
		}
		if system {
			nTime++
		}
		if len(f) <= nTime {
			continue
		}
		// The command is the rest of the line after the fields, kept as
		// written so the shell reads it.
		rest := t
		for i := 0; i < nTime; i++ {
			rest = strings.TrimLeft(rest, " \t")
			rest = rest[strings.IndexAny(rest+" ", " \t"):]
		}
		sched := f[0]
		if !strings.HasPrefix(sched, "@") {
			sched = strings.Join(f[:5], " ")
		}
		out = append(out, cronJob{Line: n + 1, Schedule: sched, Command: strings.TrimSpace(rest)})
	}
	return out
}

func (s *system) scanCron() {
	type tab struct {
		pattern string
		system  bool
	}
	for _, tb := range []tab{{"etc/crontabs/*", false}, {"var/spool/cron/crontabs/*", false}, {"etc/crontab", true}, {"etc/cron.d/*", true}} {
		for _, f := range s.glob(tb.pattern) {
			src, ok := s.text(f)
			if !ok {
				continue
			}
			for _, j := range parseCrontab(src, tb.system) {
				for _, c := range parseShell(j.Command) {
					s.launch("cron", f, j.Line, c.Argv, StateConditional, "cron schedule "+j.Schedule, "")
				}
			}
		}
	}
}

// scanHotplug follows scripts run on hotplug events and button presses.
func (s *system) scanHotplug() {
	for _, p := range []string{"etc/hotplug.d/*/*", "etc/rc.button/*", "etc/udev/rules.d/*"} {
		for _, f := range s.glob(p) {
			if strings.HasPrefix(f.Name(), "etc/udev/") {
				continue // udev RUN+= programs are device helpers, not services
			}
			s.runScript(f, "hotplug", StateConditional, "on a hotplug event or button press", "", 1)
		}
	}
}

// entryNames are scripts at a filesystem's top that a container or a
// vendor's boot loader runs; nothing inside the image says so.
var entryNames = map[string]bool{"start.sh": true, "run.sh": true, "entrypoint.sh": true, "init.sh": true, "startup.sh": true, "boot.sh": true}

func (s *system) scanEntryScripts() {
	for name, f := range s.idx {
		if strings.Contains(name, "/") || !entryNames[name] {
			continue
		}
		s.runScript(f, "entry-script", StateConditional, "/"+name+" is run by something outside this filesystem", "", 0)
	}
}
