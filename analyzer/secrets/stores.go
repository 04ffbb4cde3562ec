package secrets

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"path"
	"strings"
	"unicode/utf16"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/secrets/crypt"
	"golang.org/x/crypto/md4"
)

var (
	txtPlainStore = model.Text{
		EN: "Password file stores passwords in clear text",
		JA: "パスワードファイルにパスワードが平文で保存されています",
	}
	remPlainStore = model.Text{
		EN: "Store only salted slow hashes (htpasswd -B, yescrypt), never clear-text passwords, and do not ship any password in the image.",
		JA: "平文ではなくソルト付きの低速ハッシュ（htpasswd -B、yescrypt）のみを保存し、イメージにパスワードを含めないでください。",
	}
)

// storeKind names the password store a path holds, or "".
func storeKind(f *model.File) string {
	base, dir := f.Base(), path.Base(path.Dir(f.Name()))
	switch {
	case base == "smbpasswd":
		return "smbpasswd"
	case strings.HasSuffix(base, "htdigest") || strings.HasSuffix(base, "htdigest.user"):
		return "htdigest"
	case base == ".htpasswd" || base == "htpasswd" || strings.HasSuffix(base, ".htpasswd") ||
		strings.HasPrefix(base, "lighttpd") && strings.HasSuffix(base, ".user") ||
		base == "pwfile" || strings.HasSuffix(base, ".passwd") ||
		base == "passwd" && dir != "etc":
		return "htpasswd"
	}
	return ""
}

// storeFile handles htpasswd-style stores ("user:hash"; lighttpd, boa and
// mosquitto use the same shape), htdigest and Samba's smbpasswd.
func (s *scan) storeFile(f *model.File, b []byte) {
	kind := storeKind(f)
	if kind == "" || isBinary(b) {
		return
	}
	off := 0
	for n := 1; off < len(b); n++ {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			end = len(b) - off
		}
		line := strings.TrimRight(string(b[off:off+end]), "\r")
		start := off
		off += end + 1
		if line == "" || line[0] == '#' {
			continue
		}
		p := strings.Split(line, ":")
		if len(p) < 2 || p[0] == "" {
			continue
		}
		user := p[0]
		ev := func(secret string) model.Evidence {
			return evidence(f, int64(start), int64(len(line)), n, redact(line, secret))
		}
		props := map[string]string{"account": user, "store": kind}
		switch kind {
		case "smbpasswd":
			s.smbLine(f, p, ev, props)
		case "htdigest":
			if len(p) == 3 && len(p[2]) == 32 {
				if sum, err := hex.DecodeString(p[2]); err == nil {
					props["scheme"] = "htdigest-md5"
					s.weak(ev(p[2]), user, p[2], props)
					s.queueGuess(&guessJob{hash: digestHash{user + ":" + p[1] + ":", sum}, user: user, sev: model.Critical, ev: ev(p[2]), props: props})
				}
			}
		case "htpasswd":
			s.htpasswdLine(user, p[1], ev, props)
		}
	}
}

func (s *scan) htpasswdLine(user, field string, ev func(string) model.Evidence, props map[string]string) {
	if field == "" {
		fd := finding("empty-password", model.KindCredential, model.Critical, model.ConfHigh, critS02, txtEmpty, remEmpty, user, ev(""))
		fd.Props = props
		s.add(fd)
		return
	}
	h, err := crypt.Parse(field, false)
	if err != nil {
		if strings.HasPrefix(field, "$") || strings.HasPrefix(field, "{") {
			return // a hash scheme we do not know (mosquitto's PBKDF2, ...)
		}
		props["scheme"] = "plain"
		fd := finding("plaintext-password-store", model.KindCredential, model.High, model.ConfMedium, critS11, txtPlainStore, remPlainStore, user, ev(field))
		fd.Props, fd.Secret = props, field
		s.add(fd)
		s.queueGuess(&guessJob{hash: plain(field), user: user, sev: model.Critical, ev: ev(field), props: props})
		return
	}
	props["scheme"] = string(h.Scheme)
	if h.Scheme.Weak() {
		s.weak(ev(field), user, field, props)
	}
	s.queueGuess(&guessJob{hash: h, key: field, user: user, sev: model.Critical, ev: ev(field), props: props})
}

// smbLine reads "name:uid:LM:NT:[flags]:LCT-...:". A field of
// "NO PASSWORD" followed by X's marks an account without a password.
func (s *scan) smbLine(f *model.File, p []string, ev func(string) model.Evidence, props map[string]string) {
	if len(p) < 5 {
		return
	}
	user, lm, nt, flags := p[0], p[2], p[3], p[4]
	if strings.Contains(flags, "D") {
		return // disabled account
	}
	if strings.HasPrefix(nt, "NO PASSWORD") || strings.Contains(flags, "N") {
		fd := finding("empty-password", model.KindCredential, model.Critical, model.ConfHigh, critS02, txtEmpty, remEmpty, user, ev(""))
		fd.Props = props
		s.add(fd)
		return
	}
	if len(lm) == 32 && !strings.HasPrefix(lm, "XXXX") {
		if _, err := hex.DecodeString(lm); err == nil {
			props["scheme"] = "lanman"
			s.weak(ev(lm), user, lm, props)
		}
	}
	if len(nt) == 32 {
		if sum, err := hex.DecodeString(nt); err == nil {
			props["scheme"] = "nt-md4"
			s.weak(ev(nt), user, nt, props)
			s.queueGuess(&guessJob{hash: ntHash(sum), user: user, sev: model.Critical, ev: ev(nt), props: props})
		}
	}
}

func (s *scan) weak(ev model.Evidence, user, secret string, props map[string]string) {
	fd := finding("weak-password-hash", model.KindCredential, model.Medium, model.ConfHigh, critS11, txtWeakHash, remWeakHash, user+"\x00"+props["scheme"], ev)
	fd.Props, fd.Secret = clone(props), secret
	s.add(fd)
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// plain is a clear-text password "hash".
type plain string

func (p plain) Match(pw string) bool { return string(p) == pw }

// ntHash is Samba's NT hash: MD4 of the UTF-16LE password.
type ntHash []byte

func (h ntHash) Match(pw string) bool {
	m := md4.New()
	for _, u := range utf16.Encode([]rune(pw)) {
		m.Write([]byte{byte(u), byte(u >> 8)})
	}
	return bytes.Equal(m.Sum(nil), h)
}

// digestHash is htdigest's MD5("user:realm:password").
type digestHash struct {
	prefix string
	sum    []byte
}

func (h digestHash) Match(pw string) bool {
	s := md5.Sum([]byte(h.prefix + pw))
	return bytes.Equal(s[:], h.sum)
}
