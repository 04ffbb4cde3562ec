package services

import (
	"strings"
)

// UCI is OpenWrt's configuration format (/etc/config/<package>):
//
//	config <type> ['<name>']
//		option <key> '<value>'
//		list <key> '<value>'
//
// Words are separated by blanks; single quotes keep everything literally,
// double quotes allow backslash escapes, and unquoted words end at a blank.
// '#' starts a comment outside quotes. This follows libuci's file parser
// (uci/file.c); we read it ourselves since no Go UCI reader is served.

// uciSection is one "config" block.
type uciSection struct {
	Type    string
	Name    string // "" for an anonymous section
	Line    int
	Options map[string]uciValue
	Lists   map[string][]uciValue
}

type uciValue struct {
	Value string
	Line  int
}

const maxUCISections = 10000

// parseUCI reads a UCI file. Lines it cannot read are skipped, as uci does
// with a syntax error only for that line's statement.
func parseUCI(src string) []*uciSection {
	var out []*uciSection
	var cur *uciSection
	for n, line := range strings.Split(src, "\n") {
		words := uciWords(line)
		if len(words) == 0 {
			continue
		}
		switch words[0] {
		case "config":
			if len(words) < 2 || len(out) >= maxUCISections {
				cur = nil
				continue
			}
			cur = &uciSection{Type: words[1], Line: n + 1, Options: map[string]uciValue{}, Lists: map[string][]uciValue{}}
			if len(words) > 2 {
				cur.Name = words[2]
			}
			out = append(out, cur)
		case "option":
			if cur != nil && len(words) >= 3 {
				cur.Options[words[1]] = uciValue{words[2], n + 1}
			}
		case "list":
			if cur != nil && len(words) >= 3 && len(cur.Lists[words[1]]) < maxUCISections {
				cur.Lists[words[1]] = append(cur.Lists[words[1]], uciValue{words[2], n + 1})
			}
		}
	}
	return out
}

// uciWords splits one line into words, honouring quotes and comments.
func uciWords(line string) []string {
	var words []string
	i, n := 0, len(line)
	for i < n {
		c := line[i]
		if c == ' ' || c == '\t' || c == '\r' {
			i++
			continue
		}
		if c == '#' {
			break
		}
		var b strings.Builder
		for i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' {
			switch line[i] {
			case '\'':
				j := strings.IndexByte(line[i+1:], '\'')
				if j < 0 { // unterminated: uci rejects the line
					return nil
				}
				b.WriteString(line[i+1 : i+1+j])
				i += j + 2
			case '"':
				i++
				for i < n && line[i] != '"' {
					if line[i] == '\\' && i+1 < n {
						i++
					}
					b.WriteByte(line[i])
					i++
				}
				if i >= n {
					return nil
				}
				i++
			case '\\':
				if i+1 < n {
					b.WriteByte(line[i+1])
				}
				i += 2
			case '#':
				if b.Len() == 0 {
					return words
				}
				b.WriteByte('#')
				i++
			default:
				b.WriteByte(line[i])
				i++
			}
		}
		words = append(words, b.String())
	}
	return words
}

// get returns an option, or the first list item, and whether it was set.
func (s *uciSection) get(key string) (uciValue, bool) {
	if v, ok := s.Options[key]; ok {
		return v, true
	}
	if l := s.Lists[key]; len(l) > 0 {
		return l[0], true
	}
	return uciValue{}, false
}

// all returns an option's words or a list's items: uci's config_get gives a
// list as its items joined by blanks, and init scripts loop over them.
func (s *uciSection) all(key string) []uciValue {
	if l := s.Lists[key]; len(l) > 0 {
		return l
	}
	if v, ok := s.Options[key]; ok {
		var out []uciValue
		for _, f := range strings.Fields(v.Value) {
			out = append(out, uciValue{f, v.Line})
		}
		return out
	}
	return nil
}

// uciBool reads a boolean as libubox/uci_validate_section's "bool" type
// does: 1/yes/on/true/enabled and 0/no/off/false/disabled.
func uciBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "yes", "on", "true", "enabled":
		return true, true
	case "0", "no", "off", "false", "disabled":
		return false, true
	}
	return false, false
}
