package secrets

import (
	"bytes"
	"slices"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	rsecrets "github.com/fwstar/fwstar/rules/secrets"
)

// minString is the shortest printable run taken from a binary.
const minString = 6

// toLower lower-cases ASCII in one pass, for the keyword prefilter.
func toLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// textRun is a line of a text file or a printable string of a binary.
type textRun struct {
	off  int
	line int // 0 in binaries
	text []byte
}

// lines splits text into lines, skipping comments.
func lines(b []byte) []textRun {
	var out []textRun
	off := 0
	for n := 1; off < len(b); n++ {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			end = len(b) - off
		}
		l := bytes.TrimRight(b[off:off+end], "\r")
		t := bytes.TrimLeft(l, " \t")
		if len(t) > 0 && t[0] != '#' && t[0] != ';' && !bytes.HasPrefix(t, []byte("//")) {
			out = append(out, textRun{off: off, line: n, text: l})
		}
		off += end + 1
	}
	return out
}

// printable splits a binary into its printable ASCII runs (tabs included).
func printable(b []byte) []textRun {
	var out []textRun
	start := -1
	for i := 0; i <= len(b); i++ {
		ok := i < len(b) && (b[i] >= 0x20 && b[i] < 0x7f || b[i] == '\t')
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			if i-start >= minString {
				out = append(out, textRun{off: start, text: b[start:i]})
			}
			start = -1
		}
	}
	return out
}

// patternsIn runs the rules of rules/secrets over a file.
func (s *scan) patternsIn(f *model.File, b []byte) {
	lower := toLower(b)
	bin := isBinary(b)
	var active []*rsecrets.Rule
	for _, r := range s.rules.patterns {
		inFiles := len(r.Files) > 0 && slices.ContainsFunc(r.Files, func(g string) bool { return model.Match(g, f.Name()) })
		if len(r.Files) > 0 && !inFiles {
			continue
		}
		if bin && !r.Binaries && !inFiles {
			continue
		}
		if r.HasKeyword(lower) {
			active = append(active, r)
		}
	}
	if len(active) == 0 {
		return
	}
	var runs []textRun
	if bin {
		runs = printable(b)
	} else {
		runs = lines(b)
	}
	for _, run := range runs {
		lr := lower[run.off : run.off+len(run.text)]
		for _, r := range active {
			if bin && !r.HasKeyword(lr) {
				continue // in a binary, the keyword must be in the string itself
			}
			for _, m := range r.Find(run.text) {
				s.patternFinding(f, r, run, m)
			}
		}
	}
}

func (s *scan) patternFinding(f *model.File, r *rsecrets.Rule, run textRun, m rsecrets.Match) {
	sev, err := model.ParseSeverity(r.Severity)
	if err != nil {
		sev = model.Medium
	}
	conf := r.Confidence
	if conf == "" {
		conf = model.ConfMedium
	}
	off, n := run.off+m.Start, m.End-m.Start
	if m.SecretAt >= 0 {
		off, n = run.off+m.SecretAt, len(m.Secret)
	}
	text := string(run.text)
	if len(text) > 400 {
		lo := max(0, m.Start-120)
		text = text[lo:min(len(text), m.End+120)]
	}
	ev := evidence(f, int64(off), int64(n), run.line, redact(text, m.Secret))
	props := map[string]string{}
	if m.User != "" {
		props["user"] = m.User
	}
	if r.Guess && m.Secret != "" {
		if c, ok := s.defaultPassword(m.Secret); ok {
			sev = model.Critical
			props["list"] = c
		}
	}
	fd := finding(r.ID, r.Kind, sev, conf, r.Criteria, model.Text{EN: r.Title.EN, JA: r.Title.JA},
		model.Text{EN: r.Remediation.EN, JA: r.Remediation.JA}, keyOf(m.User, m.Secret), ev)
	if props["list"] != "" {
		fd.Detail = model.Text{
			EN: "The password is on: " + props["list"] + ".",
			JA: "このパスワードは次の一覧に含まれています: " + props["list"] + "。",
		}
	}
	if len(props) > 0 {
		fd.Props = props
	}
	fd.Secret = m.Secret
	s.add(fd)
}

// defaultPassword tells whether pw is on the default list, and which lists.
func (s *scan) defaultPassword(pw string) (string, bool) {
	for _, c := range s.rules.candidates {
		if c.Password == pw && pw != "" {
			var t []string
			for _, id := range c.Sources {
				t = append(t, s.rules.creds.SourceTitle(id))
			}
			return strings.Join(t, "; "), true
		}
	}
	return "", false
}
