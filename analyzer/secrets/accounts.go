package secrets

import (
	"bytes"
	"path"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/secrets/crypt"
)

// account is one line of a passwd or shadow file.
type account struct {
	Name   string
	Pass   string // the password field: "", "x", "*", "!..." or a hash
	UID    int    // -1 when unknown (shadow lines)
	Shell  string
	Line   int
	Offset int64
	Text   string
}

// parseAccounts reads passwd ("name:pass:uid:gid:gecos:home:shell") or shadow
// ("name:pass:lastchg:...") lines. Malformed lines are skipped, as by libc.
func parseAccounts(b []byte, isShadow bool) []account {
	var out []account
	off := 0
	for n := 1; off < len(b); n++ {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			end = len(b) - off
		}
		line := strings.TrimRight(string(b[off:off+end]), "\r")
		start := off
		off += end + 1
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue // NIS compat entries
		}
		p := strings.Split(line, ":")
		if len(p) < 2 || p[0] == "" {
			continue
		}
		a := account{Name: p[0], Pass: p[1], UID: -1, Line: n, Offset: int64(start), Text: line}
		if !isShadow {
			if len(p) < 7 {
				continue
			}
			uid, err := strconv.Atoi(p[2])
			if err != nil {
				continue
			}
			a.UID, a.Shell = uid, p[6]
		}
		out = append(out, a)
	}
	return out
}

// locked tells a password field that no password opens: "*", "!", "!!",
// "!" before a hash, "*LK*", "x" in shadow and so on.
func locked(pass string) bool {
	return strings.HasPrefix(pass, "!") || strings.HasPrefix(pass, "*") || pass == "x" || pass == "NP" || pass == "LK"
}

// loginShell tells whether a shell gives an interactive login. An empty
// shell field means /bin/sh.
func loginShell(shell string) bool {
	switch path.Base(shell) {
	case "nologin", "false", "sync", "shutdown", "halt", "true":
		return false
	}
	return true
}

var (
	critS02 = []string{"S1.1-02"}
	critS11 = []string{"S1.1-11"}

	txtEmpty = model.Text{
		EN: "Account has an empty password",
		JA: "アカウントのパスワードが空です",
	}
	remEmpty = model.Text{
		EN: "Set no password in the image: lock the account (\"*\" or \"!\") and require the user to set a unique password at first use, or provision one per device.",
		JA: "イメージにパスワードを設定しないでください。アカウントをロック（\"*\" または \"!\"）し、初回利用時に利用者が固有のパスワードを設定するか、機器ごとに設定してください。",
	}
	txtUID0 = model.Text{
		EN: "Extra account with user ID 0 (root privileges)",
		JA: "ユーザー ID 0（root 権限）を持つ追加のアカウントがあります",
	}
	remUID0 = model.Text{
		EN: "Remove the extra UID 0 account, or lock it; administrative access should go through one audited account.",
		JA: "UID 0 の追加アカウントを削除するかロックしてください。管理者アクセスは監査可能な一つのアカウントに限定してください。",
	}
	txtWeakHash = model.Text{
		EN: "Password stored with a weak hash algorithm",
		JA: "パスワードが弱いハッシュ方式で保存されています",
	}
	remWeakHash = model.Text{
		EN: "Store passwords with a slow salted hash (yescrypt, bcrypt or SHA-512 crypt); DES crypt, MD5 and unsalted digests are cracked in seconds.",
		JA: "パスワードはソルト付きの低速なハッシュ（yescrypt、bcrypt、SHA-512 crypt）で保存してください。DES crypt、MD5、ソルトなしのダイジェストは数秒で解読されます。",
	}
	txtDefault = model.Text{
		EN: "Password is a known default or common password",
		JA: "パスワードが既知の初期パスワードまたはよく使われるパスワードです",
	}
	remDefault = model.Text{
		EN: "Remove the default password: give each device a unique password, or force the user to set one before any network login is possible.",
		JA: "初期パスワードを削除し、機器ごとに固有のパスワードを設定するか、ネットワークからのログイン前に利用者にパスワードを設定させてください。",
	}
	txtHashInPasswd = model.Text{
		EN: "Password hash stored in the world-readable passwd file",
		JA: "誰でも読める passwd ファイルにパスワードハッシュが保存されています",
	}
	remHashInPasswd = model.Text{
		EN: "Move password hashes to /etc/shadow (mode 0600 or 0640) and leave \"x\" in /etc/passwd.",
		JA: "パスワードハッシュは /etc/shadow（モード 0600 または 0640）に移し、/etc/passwd には \"x\" を記載してください。",
	}
)

// accountFile handles /etc/passwd, /etc/shadow and their "-" backups.
func (s *scan) accountFile(f *model.File, b []byte) {
	base, dir := f.Base(), path.Base(path.Dir(f.Name()))
	if dir != "etc" {
		return
	}
	switch base {
	case "shadow", "shadow-":
		s.shadow(f, b)
	case "passwd", "passwd-":
		s.passwd(f, b)
	}
}

// shellsFor reads the passwd file beside a shadow file (the backup beside a
// backup) for each account's shell and UID.
func (s *scan) shellsFor(f *model.File) map[string]account {
	name := "passwd"
	if strings.HasSuffix(f.Base(), "-") {
		name = "passwd-"
	}
	pf := s.tree.Lookup(f, name)
	if pf == nil || !pf.Regular() {
		return nil
	}
	b, err := s.tree.ReadFile(pf, s.opt.MaxFile)
	if err != nil {
		return nil
	}
	m := map[string]account{}
	for _, a := range parseAccounts(b, false) {
		m[a.Name] = a
	}
	return m
}

// shadowFor reads the shadow file beside a passwd file.
func (s *scan) shadowFor(f *model.File) map[string]account {
	name := "shadow"
	if strings.HasSuffix(f.Base(), "-") {
		name = "shadow-"
	}
	sf := s.tree.Lookup(f, name)
	if sf == nil || !sf.Regular() {
		return nil
	}
	b, err := s.tree.ReadFile(sf, s.opt.MaxFile)
	if err != nil {
		return nil
	}
	m := map[string]account{}
	for _, a := range parseAccounts(b, true) {
		m[a.Name] = a
	}
	return m
}

func (s *scan) shadow(f *model.File, b []byte) {
	users := s.shellsFor(f)
	for _, a := range parseAccounts(b, true) {
		shell, login := "", true
		if u, ok := users[a.Name]; ok {
			shell, login = u.Shell, loginShell(u.Shell)
		}
		s.password(f, a, shell, login, false)
	}
}

func (s *scan) passwd(f *model.File, b []byte) {
	shadow := s.shadowFor(f)
	for _, a := range parseAccounts(b, false) {
		login := loginShell(a.Shell)
		pass := a.Pass
		if sh, ok := shadow[a.Name]; ok && pass == "x" {
			pass = sh.Pass
		}
		if a.UID == 0 && a.Name != "root" && !locked(pass) && login {
			ev := evidence(f, a.Offset, int64(len(a.Text)), a.Line, redactField(a))
			fd := finding("extra-uid0-account", model.KindCredential, model.High, model.ConfHigh,
				[]string{"S1.1-01", "S1.1-02"}, txtUID0, remUID0, a.Name, ev)
			fd.Props = map[string]string{"account": a.Name, "shell": a.Shell}
			s.add(fd)
		}
		if a.Pass == "x" {
			continue // the password is in shadow
		}
		s.password(f, a, a.Shell, login, true)
	}
}

// redactField masks the password field of an account line.
func redactField(a account) string {
	if a.Pass == "" || locked(a.Pass) {
		return a.Text
	}
	return strings.Replace(a.Text, ":"+a.Pass+":", ":"+mask(a.Pass)+":", 1)
}

// password judges one account's password field.
func (s *scan) password(f *model.File, a account, shell string, login, inPasswd bool) {
	if locked(a.Pass) {
		return
	}
	props := map[string]string{"account": a.Name}
	if shell != "" {
		props["shell"] = shell
	}
	props["login"] = strconv.FormatBool(login)
	ev := evidence(f, a.Offset, int64(len(a.Text)), a.Line, redactField(a))
	if a.Pass == "" {
		sev := model.Critical
		if !login {
			sev = model.Medium // no shell, but su, FTP or PAM services may still accept it
		}
		fd := finding("empty-password", model.KindCredential, sev, model.ConfHigh, critS02, txtEmpty, remEmpty, a.Name, ev)
		fd.Props = props
		s.add(fd)
		return
	}
	h, err := crypt.Parse(a.Pass, false)
	if err != nil {
		return // an unknown scheme or a garbled field: nothing to judge
	}
	props["scheme"] = string(h.Scheme)
	if inPasswd {
		fd := finding("password-hash-in-passwd", model.KindCredential, model.Medium, model.ConfHigh, critS11, txtHashInPasswd, remHashInPasswd, a.Name, ev)
		fd.Props, fd.Secret = props, a.Pass
		s.add(fd)
	}
	if h.Scheme.Weak() {
		fd := finding("weak-password-hash", model.KindCredential, model.Medium, model.ConfHigh, critS11, txtWeakHash, remWeakHash, a.Name, ev)
		fd.Props, fd.Secret = props, a.Pass
		s.add(fd)
	}
	sev := model.Critical
	if !login {
		sev = model.High
	}
	s.queueGuess(&guessJob{hash: h, key: a.Pass, user: a.Name, sev: sev, ev: ev, props: props})
}
