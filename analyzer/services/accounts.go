package services

import (
	"path"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// weakAccount is what an earlier pass found about an account's password.
type weakAccount struct {
	Rule  string // "empty-password" or "default-password"
	Paths []string
}

// accounts maps "layer\x00account" to what the credential pass found.
type accounts map[string]weakAccount

func priorAccounts(prior []model.Finding) accounts {
	out := accounts{}
	for _, f := range prior {
		if f.RuleID != "empty-password" && f.RuleID != "default-password" {
			continue
		}
		acct := f.Props["account"]
		if acct == "" {
			continue
		}
		for _, e := range f.Evidence {
			// The evidence is the shadow or passwd file of one filesystem:
			// "layer/etc/shadow".
			layer := e.Path
			for _, tail := range []string{"/etc/shadow", "/etc/passwd", "/etc/shadow-", "/etc/passwd-"} {
				if strings.HasSuffix(layer, tail) {
					layer = strings.TrimSuffix(layer, tail)
					w := out[layer+"\x00"+acct]
					if w.Rule != "empty-password" { // empty beats default
						w.Rule = f.RuleID
					}
					w.Paths = append(w.Paths, e.Path)
					out[layer+"\x00"+acct] = w
				}
			}
		}
	}
	return out
}

// weak returns what is known about an account of this filesystem.
func (s *system) weak(account string) (weakAccount, bool) {
	w, ok := s.acc[s.c.Layer+"\x00"+account]
	return w, ok
}

// scanAccounts looks at /etc/passwd for accounts whose shell is a network
// login program: Debian's installer gives "installer" the shell
// /bin/network-console, which the network-console udeb (loaded on request
// by anna) provides together with an OpenSSH server.
func (s *system) scanAccounts() {
	f, src, ok := s.textAt("/etc/passwd")
	if !ok {
		return
	}
	for n, l := range strings.Split(src, "\n") {
		fs := strings.Split(strings.TrimSpace(l), ":")
		if len(fs) < 7 {
			continue
		}
		shell := fs[6]
		if path.Base(shell) != "network-console" {
			continue
		}
		present := s.file(shell) != nil
		cond := "the installer loads the network-console component (anna) and the user chooses to continue the installation by SSH"
		login := &Login{Kind: "network-console", Account: fs[0], Password: true, Command: []string{shell},
			At: ev(f, n+1, l), State: StateConditional, Condition: cond,
			Notes: []string{"uid " + fs[2] + "; network-console starts sshd (openssh-server-udeb) and asks for a password (debconf network-console/password) or an authorized_keys URL"}}
		if !present {
			login.Notes = append(login.Notes, shell+" is not in this filesystem: it is downloaded at install time")
		}
		s.logins = append(s.logins, login)
		d := daemonByBinary["sshd"]
		v := s.service(d, "/usr/sbin/sshd")
		v.Starts = append(v.Starts, &Start{Mechanism: "network-console", At: ev(f, n+1, l), Command: []string{"/usr/sbin/sshd"},
			State: StateConditional, Condition: cond, Via: fs[0] + " account shell " + shell})
		v.Auth = &Auth{Required: true, Methods: []string{"password", "publickey"},
			Settings: map[string]string{"account": fs[0], "uid": fs[2]}, Evidence: []model.Evidence{ev(f, n+1, l)}}
	}
}
