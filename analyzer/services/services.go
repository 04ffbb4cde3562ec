// Package services finds what a firmware image starts at boot and how it can
// be reached: init systems (BusyBox and SysV inittab, rcS and init.d, OpenWrt
// procd with UCI, systemd units and their enablement links, inetd, xinetd,
// cron, hotplug), the daemons they start with their authentication, TLS and
// ports, the console and network login paths, and the evidence about
// updates, communication security, factory reset and identification that
// the JC-STAR ★1 criteria ask about.
package services

import (
	"bytes"
	"context"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

const (
	maxText    = 1 << 20 // scripts and configs are read up to 1 MiB
	maxDepth   = 6       // scripts running scripts
	maxExcerpt = 160
)

// Run analyses every filesystem of the tree. prior holds earlier passes'
// findings; the credential ones ("empty-password", "default-password" with
// Props["account"]) sharpen what is said about login services.
func Run(ctx context.Context, t *model.Tree, prior []model.Finding) (*Result, []model.Finding, error) {
	res := &Result{Services: []*Service{}, Logins: []*Login{}, Updates: []*Fact{}, Comms: []*Fact{}, Resets: []*Fact{},
		Identity: []*Ident{}, Limits: []*Fact{}, Systems: []SystemRef{}}
	acc := priorAccounts(prior)
	var findings []model.Finding
	for _, c := range t.Manifest.Chunks {
		if err := ctx.Err(); err != nil {
			return res, findings, err
		}
		idx := t.InChunk(c)
		if len(idx) == 0 {
			continue
		}
		s := newSystem(ctx, t, c, res, acc)
		s.scan()
		if !s.relevant() {
			continue
		}
		res.Systems = append(res.Systems, SystemRef{Layer: c.Layer, Init: s.init})
		findings = append(findings, s.findings()...)
	}
	scanChunkAttrs(t, res)
	sortResult(res)
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Severity != findings[j].Severity {
			return findings[i].Severity > findings[j].Severity
		}
		return findings[i].ID < findings[j].ID
	})
	return res, findings, nil
}

// system is one filesystem chunk under analysis.
type system struct {
	ctx     context.Context
	t       *model.Tree
	c       *engine.Chunk
	idx     map[string]*model.File
	res     *Result
	acc     accounts
	init    string
	svc     map[string]*Service
	order   []*Service
	logins  []*Login
	visited map[string]bool // scripts already followed
	texts   map[string]string
	nfacts  int

	plainUpdates []plainURL   // update sources without transport security
	noSig        []noSigCheck // update paths that skip signature checks
	insecure     []insecureUse
}

func newSystem(ctx context.Context, t *model.Tree, c *engine.Chunk, res *Result, acc accounts) *system {
	return &system{ctx: ctx, t: t, c: c, idx: t.InChunk(c), res: res, acc: acc,
		svc: map[string]*Service{}, visited: map[string]bool{}, texts: map[string]string{}}
}

func (s *system) scan() {
	before := len(s.res.Updates) + len(s.res.Comms) + len(s.res.Resets) + len(s.res.Identity) + len(s.res.Limits)
	s.scanInit()
	s.scanSystemd()
	s.scanInetd()
	s.scanCron()
	s.scanHotplug()
	s.scanEntryScripts()
	s.scanAccounts()
	s.scanPresentDaemons()
	s.settleStates()
	s.analyzeDaemons()
	s.scanUpdates()
	s.scanComms()
	s.scanResets()
	s.scanIdentity()
	s.nfacts = len(s.res.Updates) + len(s.res.Comms) + len(s.res.Resets) + len(s.res.Identity) + len(s.res.Limits) - before
	s.res.Services = append(s.res.Services, s.order...)
	s.res.Logins = append(s.res.Logins, s.logins...)
}

// relevant tells whether the chunk had anything to say.
func (s *system) relevant() bool {
	return s.init != "" || len(s.order) > 0 || len(s.logins) > 0 || s.nfacts > 0
}

// file returns the entry at an absolute device path, following links inside
// the chunk.
func (s *system) file(p string) *model.File {
	return s.t.LookupIn(s.c, p)
}

// find is file, falling back to the path's tail when the chunk is mounted
// below the device root (a partition mounted at /workspace holds
// data/appweb/appweb for /workspace/data/appweb/appweb).
func (s *system) find(p string) (*model.File, bool) {
	if f := s.file(p); f != nil {
		return f, false
	}
	parts := strings.Split(strings.Trim(path.Clean(p), "/"), "/")
	for i := 1; i < len(parts)-1; i++ {
		if f := s.file(strings.Join(parts[i:], "/")); f != nil {
			return f, true
		}
	}
	return nil, false
}

// text reads a regular file as text; binaries (a NUL in the first 8 KiB)
// and unreadable files give false.
func (s *system) text(f *model.File) (string, bool) {
	if f == nil || !f.Regular() {
		return "", false
	}
	if v, ok := s.texts[f.Path]; ok {
		return v, v != "\x00"
	}
	// Look at the head first: most files that are not text are ELF
	// binaries, and reading them whole would be wasted.
	r, err := s.t.Open(f)
	if err != nil {
		s.texts[f.Path] = "\x00"
		return "", false
	}
	defer r.Close()
	head := make([]byte, 8192)
	n, _ := io.ReadFull(r, head)
	if bytes.IndexByte(head[:n], 0) >= 0 {
		s.texts[f.Path] = "\x00"
		return "", false
	}
	rest, err := io.ReadAll(io.LimitReader(r, maxText-int64(n)))
	if err != nil {
		s.texts[f.Path] = "\x00"
		return "", false
	}
	v := string(head[:n]) + string(rest)
	s.texts[f.Path] = v
	return v, true
}

// textAt reads the file at a device path.
func (s *system) textAt(p string) (*model.File, string, bool) {
	f := s.file(p)
	v, ok := s.text(f)
	return f, v, ok
}

// glob returns the chunk's entries matching a pattern (see model.Match).
func (s *system) glob(pattern string) []*model.File {
	var out []*model.File
	for name, f := range s.idx {
		if model.Match(pattern, name) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ev is evidence for a line of a file.
func ev(f *model.File, line int, excerpt string) model.Evidence {
	e := model.Evidence{Path: f.Path, Offset: -1, Line: line, SHA256: f.Entry.SHA256}
	e.Excerpt = clip(strings.TrimSpace(excerpt))
	return e
}

func clip(s string) string {
	if len(s) > maxExcerpt {
		return s[:maxExcerpt] + "…"
	}
	return s
}

// lineOf returns the 1-based line holding byte offset off of src, and the line.
func lineOf(src string, off int) (int, string) {
	if off < 0 || off > len(src) {
		return 0, ""
	}
	start := strings.LastIndexByte(src[:off], '\n') + 1
	end := strings.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += off
	}
	return strings.Count(src[:off], "\n") + 1, src[start:end]
}

// lineText returns line n (1-based) of src.
func lineText(src string, n int) string {
	for i := 1; i < n; i++ {
		k := strings.IndexByte(src, '\n')
		if k < 0 {
			return ""
		}
		src = src[k+1:]
	}
	if k := strings.IndexByte(src, '\n'); k >= 0 {
		return src[:k]
	}
	return src
}

var binDirs = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"}

// resolveProgram finds a program the way a shell with the usual PATH does.
func (s *system) resolveProgram(p string) (*model.File, bool) {
	if strings.HasPrefix(p, "/") {
		return s.find(p)
	}
	if strings.Contains(p, "/") || strings.Contains(p, "$") {
		return nil, false
	}
	for _, d := range binDirs {
		if f := s.file(d + "/" + p); f != nil {
			return f, false
		}
	}
	return nil, false
}

// isApplet tells whether a device path is a link to BusyBox.
func (s *system) isApplet(p string) bool {
	for hop := 0; hop < 8; hop++ {
		f := s.idx[strings.TrimPrefix(path.Clean(p), "/")]
		if f == nil {
			return false
		}
		if f.Entry.Type != engine.TypeSymlink {
			return path.Base(f.Entry.Path) == "busybox"
		}
		t := f.Entry.Target
		if !strings.HasPrefix(t, "/") {
			t = path.Join("/", path.Dir(f.Entry.Path), t)
		}
		if path.Base(t) == "busybox" {
			return true
		}
		p = t
	}
	return false
}

// service returns the service for a daemon, creating it.
func (s *system) service(d *daemon, bin string) *Service {
	if v := s.svc[d.Name]; v != nil {
		return v
	}
	v := &Service{Name: d.Name, Kind: d.Kind, Layer: s.c.Layer, Binary: bin, Ports: append([]string(nil), d.Ports...)}
	if f, bySuffix := s.resolveProgram(bin); f != nil {
		v.Path = f.Path
		if bySuffix {
			v.Notes = append(v.Notes, "binary found by the tail of its path: the filesystem is mounted below "+strings.TrimSuffix(bin, "/"+f.Name()))
		}
		if !strings.HasPrefix(bin, "/") {
			v.Binary = "/" + f.Name()
		}
		v.Applet = s.isApplet(v.Binary)
	}
	s.svc[d.Name] = v
	s.order = append(s.order, v)
	return v
}

// launch records that a command is run. It returns the service started, if any.
func (s *system) launch(mech string, f *model.File, line int, argv []string, state, cond, via string) *Service {
	prog := program(argv)
	if len(prog) == 0 || strings.Contains(prog[0], "/init.d/") || strings.Contains(prog[0], "/rc.d/") {
		return nil // "/etc/init.d/sshd enabled" asks, it starts nothing
	}
	st := &Start{Mechanism: mech, At: ev(f, line, strings.Join(argv, " ")), Command: prog, State: state, Condition: cond, Via: via}
	if isNetcatShell(prog) {
		d := &daemon{Name: "netcat-shell", Kind: "debug", Network: true}
		v := s.service(d, prog[0])
		v.Starts = append(v.Starts, st)
		return v
	}
	d := knownDaemon(prog[0])
	if d == nil {
		return nil
	}
	// BusyBox init, inetd and friends run through their own names; a
	// client of the same name (busybox "httpd" is a server) is fine.
	v := s.service(d, prog[0])
	v.Starts = append(v.Starts, st)
	return v
}

// isNetcatShell tells whether a command is a netcat listener handing out a
// shell: nc -l -p 1234 -e /bin/sh, nc -lp 23 -e /bin/ash.
func isNetcatShell(argv []string) bool {
	switch path.Base(argv[0]) {
	case "nc", "netcat", "ncat", "socat":
	default:
		return false
	}
	listen, shell := false, false
	for i, a := range argv[1:] {
		if strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsRune(a, 'l') {
			listen = true
		}
		if a == "--listen" || strings.HasPrefix(strings.ToUpper(a), "TCP-LISTEN") || strings.HasPrefix(strings.ToUpper(a), "TCP4-LISTEN") {
			listen = true
		}
		if (a == "-e" || a == "-c" || a == "--exec" || a == "--sh-exec") && i+2 < len(argv) {
			shell = shell || shells[path.Base(strings.Fields(argv[i+2])[0])]
		}
		if strings.HasPrefix(a, "-e") && len(a) > 2 && shells[path.Base(a[2:])] {
			shell = true
		}
		if strings.HasPrefix(strings.ToUpper(a), "EXEC:") || strings.HasPrefix(strings.ToUpper(a), "SYSTEM:") {
			f := strings.Fields(a[strings.IndexByte(a, ':')+1:])
			shell = shell || (len(f) > 0 && shells[path.Base(f[0])])
		}
	}
	return listen && shell
}

// settleStates sums each service's starts into its state.
func (s *system) settleStates() {
	inetdOn := false
	for _, name := range []string{"inetd"} {
		if v := s.svc[name]; v != nil {
			for _, st := range v.Starts {
				if st.State == StateEnabled {
					inetdOn = true
				}
			}
		}
	}
	for _, v := range s.order {
		best := StateNotStarted
		rank := map[string]int{StateNotStarted: 0, StateDisabled: 1, StateConditional: 2, StateEnabled: 3}
		for _, st := range v.Starts {
			if (st.Mechanism == "inetd" || st.Mechanism == "xinetd") && st.State == StateConditional && inetdOn {
				st.State, st.Condition = StateEnabled, ""
			}
			if rank[st.State] > rank[best] {
				best = st.State
				v.Condition = st.Condition
			}
		}
		v.State = best
		if best != StateConditional {
			v.Condition = ""
		}
	}
}

// scanPresentDaemons lists network daemons in the usual folders that nothing
// starts, so "present" and "started" can be told apart.
func (s *system) scanPresentDaemons() {
	for _, d := range binDirs {
		for name, f := range s.idx {
			if path.Dir("/"+name) != d {
				continue
			}
			dm := daemonByBinary[f.Base()]
			if dm == nil || !dm.Network || s.svc[dm.Name] != nil {
				continue
			}
			if f.Entry.Type == engine.TypeDir {
				continue
			}
			s.service(dm, "/"+name)
		}
	}
}

func sortResult(r *Result) {
	sort.SliceStable(r.Services, func(i, j int) bool {
		a, b := r.Services[i], r.Services[j]
		if a.Layer != b.Layer {
			return a.Layer < b.Layer
		}
		return a.Name < b.Name
	})
	for _, v := range r.Services {
		sort.SliceStable(v.Starts, func(i, j int) bool {
			return v.Starts[i].At.Path < v.Starts[j].At.Path || v.Starts[i].At.Path == v.Starts[j].At.Path && v.Starts[i].At.Line < v.Starts[j].At.Line
		})
	}
}
