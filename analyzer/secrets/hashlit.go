package secrets

import (
	"bytes"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/secrets/crypt"
)

var (
	txtHashLiteral = model.Text{
		EN: "A program compares logins against a hard-coded password hash",
		JA: "プログラムがハードコードされたパスワードハッシュでログインを照合しています",
	}
	remHashLiteral = model.Text{
		EN: "Do not build a password (or its hash) into the program: every device shares it and an unsalted digest is cracked offline. Keep a per-device salted slow hash in protected storage, set by the user.",
		JA: "パスワード（およびそのハッシュ）をプログラムに組み込まないでください。全機器で共通となり、ソルトなしのダイジェストはオフラインで解読されます。利用者が設定する機器ごとのソルト付き低速ハッシュを保護された領域に保存してください。",
	}
	txtHashLiteralCracked = model.Text{
		EN: "A program's hard-coded password hash is of a default password",
		JA: "プログラムにハードコードされたパスワードハッシュが初期パスワードのものです",
	}
)

// contextKeywords mark a hex literal as a password hash: one must appear in
// the strings near it.
var contextKeywords = [][]byte{[]byte("pass"), []byte("pwd"), []byte("login"), []byte("auth")}

const (
	hashContext    = 256 // bytes either side searched for a keyword
	maxHexLiterals = 8   // a file with more is a table (test vectors, ids), not a login
)

// hashLiterals finds hex digests standing alone as a string of a program
// (a login CGI's "expected SHA-1"), next to password words.
func (s *scan) hashLiterals(f *model.File, b []byte) {
	if !isBinary(b) || !bytes.HasPrefix(b, []byte("\x7fELF")) {
		return
	}
	var hits []textRun
	for _, r := range printable(b) {
		if n := len(r.text); (n == 32 || n == 40 || n == 64) && isHexLower(r.text) {
			hits = append(hits, r)
		}
	}
	if len(hits) == 0 || len(hits) > maxHexLiterals {
		return
	}
	for _, r := range hits {
		lo, hi := max(0, r.off-hashContext), min(len(b), r.off+len(r.text)+hashContext)
		near := toLower(b[lo:hi])
		found := false
		for _, k := range contextKeywords {
			if bytes.Contains(near, k) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		lit := string(r.text)
		h, err := crypt.Parse(lit, true)
		if err != nil {
			continue
		}
		ev := evidence(f, int64(r.off), int64(len(lit)), 0, mask(lit))
		props := map[string]string{"scheme": string(h.Scheme)}
		fd := finding("hard-coded-password-hash", model.KindCredential, model.High, model.ConfMedium,
			[]string{"S1.1-02", "S1.1-11"}, txtHashLiteral, remHashLiteral, keyOf(lit), ev)
		fd.Props, fd.Secret = props, lit
		s.add(fd)
		s.queueGuess(&guessJob{hash: h, key: lit, sev: model.Critical, ev: ev, props: clone(props),
			rule: "hard-coded-password-hash-cracked", title: txtHashLiteralCracked, remed: remHashLiteral,
			criteria: []string{"S1.1-02", "S1.1-11"}})
	}
}

// isHexLower accepts lower-case hex only: programs print digests that way,
// and upper-case runs are more often tables and identifiers.
func isHexLower(b []byte) bool {
	digits, letters := 0, 0
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			digits++
		case 'a' <= c && c <= 'f':
			letters++
		default:
			return false
		}
	}
	return digits > 0 && letters > 0
}
