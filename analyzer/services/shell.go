package services

import (
	"strings"
)

// This is a reader of POSIX shell scripts good enough to tell which commands
// an init script runs, with what arguments and under which conditions. It is
// not an interpreter: there is no Go shell parser on the module allow-list
// (mvdan.cc/sh is not served), and what we need is narrower than a full
// grammar. Quoting, escapes, comments, line continuations, here-documents,
// command substitutions, control words (if/case/while/for), functions and
// &&/|| lists are handled; variables are expanded from the script's own
// assignments when they have a single value.

// shCmd is one simple command of a script.
type shCmd struct {
	Line  int      // 1-based line of its first word
	Argv  []string // words after quote removal and expansion
	Raw   string   // the source text of the command
	Func  string   // enclosing function, "" at top level
	Conds []string // enclosing conditions, outermost first
}

const (
	maxShellWords = 4096 // per command; the rest of a pathological line is dropped
	maxShellCmds  = 20000
	maxShellDepth = 64 // nesting of if/case/functions kept as conditions
)

type shTok struct {
	op   string // "" for a word; else ";", "&", "&&", "||", "|", "(", ")", ";;", "\n"
	word string
	raw  string
	line int
	off  int // byte offset of the token start
}

// shLex splits a script into words and operators. expand resolves a variable
// name to its value; nil leaves $NAME as written.
func shLex(src string, expand func(string) (string, bool)) []shTok {
	var toks []shTok
	var heredocs []string // delimiters waiting for the next newline
	line := 1
	i := 0
	n := len(src)
	for i < n {
		c := src[i]
		switch {
		case c == '\\' && i+1 < n && src[i+1] == '\n':
			i += 2
			line++
			continue
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '#':
			for i < n && src[i] != '\n' {
				i++
			}
			continue
		case c == '\n':
			toks = append(toks, shTok{op: "\n", line: line, off: i})
			i++
			line++
			// Here-document bodies start after the newline of their command.
			for _, d := range heredocs {
				for i < n {
					j := strings.IndexByte(src[i:], '\n')
					var l string
					if j < 0 {
						l, i = src[i:], n
					} else {
						l, i = src[i:i+j], i+j+1
					}
					line++
					if strings.TrimLeft(strings.TrimRight(l, "\r"), "\t") == d {
						break
					}
				}
			}
			heredocs = heredocs[:0]
			continue
		case c == ';' || c == '&' || c == '|' || c == '(' || c == ')':
			op := string(c)
			if i+1 < n && (c == ';' || c == '&' || c == '|') && src[i+1] == c {
				op += string(c)
			}
			toks = append(toks, shTok{op: op, line: line, off: i})
			i += len(op)
			continue
		case c == '<' || c == '>' || (c >= '0' && c <= '9' && redirAfterDigits(src, i)):
			// A redirection: drop it and its target word.
			j := i
			for j < n && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			isHeredoc := strings.HasPrefix(src[j:], "<<") && !strings.HasPrefix(src[j:], "<<<")
			for j < n && (src[j] == '<' || src[j] == '>' || src[j] == '&' || src[j] == '|' || src[j] == '-') {
				j++
			}
			for j < n && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			w, _, end, nl := shWord(src, j, nil)
			line += nl
			if isHeredoc && w != "" {
				heredocs = append(heredocs, w)
			}
			i = end
			continue
		}
		start, startLine := i, line
		w, raw, end, nl := shWord(src, i, expand)
		line += nl
		if end == i { // a lone character we do not understand: skip it
			i++
			continue
		}
		i = end
		toks = append(toks, shTok{word: w, raw: raw, line: startLine, off: start})
	}
	return toks
}

// redirAfterDigits tells whether the digits at i are a file descriptor
// number of a redirection (2>&1), not a word.
func redirAfterDigits(src string, i int) bool {
	if i > 0 && !strings.ContainsRune(" \t\n;&|(", rune(src[i-1])) {
		return false
	}
	j := i
	for j < len(src) && src[j] >= '0' && src[j] <= '9' {
		j++
	}
	return j < len(src) && (src[j] == '>' || src[j] == '<')
}

// shWord reads one word starting at i: its value after quote removal and
// expansion, its raw text, the offset after it and the newlines it spans.
func shWord(src string, i int, expand func(string) (string, bool)) (string, string, int, int) {
	var b strings.Builder
	start, nl := i, 0
	n := len(src)
loop:
	for i < n {
		c := src[i]
		switch c {
		case ' ', '\t', '\r', '\n', ';', '&', '|', '(', ')', '<', '>':
			break loop
		case '\\':
			if i+1 < n {
				if src[i+1] == '\n' {
					nl++
				} else {
					b.WriteByte(src[i+1])
				}
				i += 2
				continue
			}
			i++
		case '\'':
			j := strings.IndexByte(src[i+1:], '\'')
			if j < 0 {
				j = n - i - 1
			}
			s := src[i+1 : i+1+j]
			nl += strings.Count(s, "\n")
			b.WriteString(s)
			i += j + 2
		case '"':
			i++
			for i < n && src[i] != '"' {
				switch {
				case src[i] == '\\' && i+1 < n && strings.IndexByte("\"\\$`\n", src[i+1]) >= 0:
					if src[i+1] == '\n' {
						nl++
					} else {
						b.WriteByte(src[i+1])
					}
					i += 2
				case src[i] == '$':
					v, end, k := shDollar(src, i, expand)
					nl += k
					b.WriteString(v)
					i = end
				case src[i] == '`':
					end := skipBackquote(src, i)
					nl += strings.Count(src[i:end], "\n")
					b.WriteString(src[i:end])
					i = end
				default:
					if src[i] == '\n' {
						nl++
					}
					b.WriteByte(src[i])
					i++
				}
			}
			i++
		case '$':
			v, end, k := shDollar(src, i, expand)
			nl += k
			b.WriteString(v)
			i = end
		case '`':
			end := skipBackquote(src, i)
			nl += strings.Count(src[i:end], "\n")
			b.WriteString(src[i:end])
			i = end
		default:
			b.WriteByte(c)
			i++
		}
	}
	if i > n {
		i = n
	}
	return b.String(), src[start:i], i, nl
}

func skipBackquote(src string, i int) int {
	for j := i + 1; j < len(src); j++ {
		if src[j] == '\\' {
			j++
			continue
		}
		if src[j] == '`' {
			return j + 1
		}
	}
	return len(src)
}

// shDollar reads $NAME, ${NAME...}, $(...) or $((...)) at i. Substitutions
// are kept as written; variables are expanded when expand knows them.
func shDollar(src string, i int, expand func(string) (string, bool)) (string, int, int) {
	n := len(src)
	if i+1 >= n {
		return "$", i + 1, 0
	}
	switch c := src[i+1]; {
	case c == '(':
		end := matchParen(src, i+1)
		return src[i:end], end, strings.Count(src[i:end], "\n")
	case c == '{':
		j := strings.IndexByte(src[i+2:], '}')
		if j < 0 {
			return src[i:], n, strings.Count(src[i:], "\n")
		}
		body := src[i+2 : i+2+j]
		end := i + 3 + j
		name, def, hasDef := body, "", false
		if k := strings.IndexAny(body, ":-=+?#%/"); k >= 0 {
			name = body[:k]
			rest := strings.TrimPrefix(body[k:], ":")
			if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "=") {
				def, hasDef = rest[1:], true
			}
		}
		if expand != nil && isName(name) {
			if v, ok := expand(name); ok {
				return v, end, 0
			}
			if hasDef && !strings.ContainsAny(def, "$`") {
				return def, end, 0
			}
		}
		return src[i:end], end, 0
	case isNameStart(c):
		j := i + 1
		for j < n && isNameChar(src[j]) {
			j++
		}
		if expand != nil {
			if v, ok := expand(src[i+1 : j]); ok {
				return v, j, 0
			}
		}
		return src[i:j], j, 0
	default: // $1, $@, $?, $$ ...
		return src[i : i+2], i + 2, 0
	}
}

// matchParen returns the offset after the parenthesis that closes the one at i.
func matchParen(src string, i int) int {
	depth := 0
	for j := i; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '\'':
			k := strings.IndexByte(src[j+1:], '\'')
			if k < 0 {
				return len(src)
			}
			j += k + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(src)
}

func isNameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameChar(c byte) bool  { return isNameStart(c) || c >= '0' && c <= '9' }

func isName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

// splitAssign splits NAME=value.
func splitAssign(w string) (string, string, bool) {
	k := strings.IndexByte(w, '=')
	if k <= 0 || !isName(w[:k]) {
		return "", "", false
	}
	return w[:k], w[k+1:], true
}

// shVars collects the script's assignments. A variable assigned one value
// only (however often) expands to it; one with several values stays as
// written, since which one holds depends on the run.
func shVars(toks []shTok) map[string]string {
	vals := map[string]map[string]bool{}
	atStart := true
	for _, t := range toks {
		if t.op != "" {
			atStart = true
			continue
		}
		w := t.word
		if atStart && (w == "local" || w == "export" || w == "readonly" || shReserved[w]) {
			continue
		}
		if name, v, ok := splitAssign(w); ok && atStart && strings.HasPrefix(t.raw, name+"=") {
			if strings.Contains(v, "$") || strings.Contains(v, "`") {
				v = "\x00" // computed: unknown
			}
			if vals[name] == nil {
				vals[name] = map[string]bool{}
			}
			vals[name][v] = true
			continue
		}
		atStart = false
	}
	out := map[string]string{}
	for name, vs := range vals {
		if len(vs) == 1 {
			for v := range vs {
				if v != "\x00" {
					out[name] = v
				}
			}
		}
	}
	return out
}

type shFrame struct {
	kind string // "if", "while", "for", "case", "func", "group", "subshell"
	cond string
	name string
}

// parseShell returns the simple commands of a script.
func parseShell(src string) []shCmd {
	vars := shVars(shLex(src, nil))
	toks := shLex(src, func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	})
	var cmds []shCmd
	var stack []shFrame
	var cur []shTok
	var listCond []string // conditions from && / || to the left in this list
	condMode := ""        // "if", "elif", "while" or "until" while reading a condition
	condStart := 0        // source offset where that condition starts
	pendingFunc := ""     // "name()" seen, waiting for its "{"
	caseWant := ""        // "word", "in", "pattern" within a case

	conds := func() []string {
		var out []string
		for _, f := range stack {
			if f.cond != "" {
				out = append(out, f.cond)
			}
		}
		return append(out, listCond...)
	}
	funcName := func() string {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].kind == "func" {
				return stack[i].name
			}
		}
		return ""
	}
	push := func(f shFrame) {
		if len(stack) < maxShellDepth {
			stack = append(stack, f)
		}
	}
	pop := func(kinds ...string) {
		for i := len(stack) - 1; i >= 0; i-- {
			for _, k := range kinds {
				if stack[i].kind == k {
					stack = stack[:i]
					return
				}
			}
		}
	}
	flush := func() {
		if len(cur) == 0 {
			return
		}
		words := make([]string, 0, len(cur))
		for _, t := range cur {
			if len(words) < maxShellWords {
				words = append(words, t.word)
			}
		}
		raw := src[cur[0].off : cur[len(cur)-1].off+len(cur[len(cur)-1].raw)]
		line := cur[0].line
		cur = cur[:0]
		if condMode != "" {
			return
		}
		if len(cmds) < maxShellCmds {
			cmds = append(cmds, shCmd{Line: line, Argv: words, Raw: raw, Func: funcName(), Conds: conds()})
		}
	}
	for idx := 0; idx < len(toks); idx++ {
		t := toks[idx]
		if t.op != "" {
			switch t.op {
			case "&&", "||":
				if len(cur) > 0 && condMode == "" {
					raw := src[cur[0].off : cur[len(cur)-1].off+len(cur[len(cur)-1].raw)]
					flush()
					if t.op == "||" {
						raw = "! " + raw
					}
					listCond = append(listCond, raw)
					continue
				}
				flush()
			case "(":
				if len(cur) == 1 && idx+1 < len(toks) && toks[idx+1].op == ")" {
					// name() { ... }: a function definition.
					pendingFunc = cur[0].word
					cur = cur[:0]
					idx++
					continue
				}
				flush()
				push(shFrame{kind: "subshell", cond: strings.Join(listCond, " && ")})
				listCond = nil
			case ")":
				if caseWant == "pattern" {
					pat := ""
					for _, c := range cur {
						pat += c.word
					}
					cur = cur[:0]
					pop("case-item")
					push(shFrame{kind: "case-item", cond: "case " + pat})
					caseWant = ""
					continue
				}
				flush()
				pop("subshell")
			case ";;":
				flush()
				listCond = nil
				caseWant = "pattern"
			default: // ";", "&", "|", "\n"
				if caseWant == "pattern" && t.op == "|" {
					cur = append(cur, shTok{word: "|", raw: "|", line: t.line, off: t.off})
					continue
				}
				flush()
				if t.op != "|" {
					listCond = nil
				}
			}
			continue
		}
		w := t.word
		if len(cur) == 0 && t.raw == w {
			switch w {
			case "if", "elif", "while", "until":
				if w == "elif" {
					pop("if")
				}
				condMode, condStart = w, t.off+len(t.raw)
				continue
			case "then", "do":
				if condMode != "" {
					flush()
					c := condText(src[condStart:t.off])
					c = strings.TrimSpace(strings.TrimSuffix(c, ";"))
					kind := "if"
					if condMode == "while" || condMode == "until" {
						kind = "while"
					}
					if condMode == "until" {
						c = "! " + c
					}
					condMode = ""
					push(shFrame{kind: kind, cond: c})
				} else if w == "do" {
					push(shFrame{kind: "for"})
				}
				continue
			case "else":
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i].kind == "if" {
						stack[i].cond = "! (" + stack[i].cond + ")"
						break
					}
				}
				continue
			case "fi":
				pop("if")
				continue
			case "done":
				pop("while", "for")
				continue
			case "for", "select":
				// for NAME in WORDS; do: skip to "do".
				for idx+1 < len(toks) && toks[idx+1].word != "do" {
					idx++
				}
				continue
			case "case":
				caseWant = "word"
				push(shFrame{kind: "case"})
				continue
			case "esac":
				pop("case")
				caseWant = ""
				continue
			case "{":
				if pendingFunc != "" {
					push(shFrame{kind: "func", name: pendingFunc})
					pendingFunc = ""
				} else {
					// a && { b; c; }: the group runs under a.
					push(shFrame{kind: "group", cond: strings.Join(listCond, " && ")})
					listCond = nil
				}
				continue
			case "}":
				pop("group", "func")
				continue
			case "function":
				if idx+1 < len(toks) && toks[idx+1].op == "" {
					pendingFunc = strings.TrimSuffix(toks[idx+1].word, "()")
					idx++
				}
				continue
			case "!":
				continue
			}
		}
		if caseWant == "word" {
			if w == "in" && t.raw == "in" {
				caseWant = "pattern"
			}
			continue
		}
		if caseWant == "pattern" {
			if w == "(" || (len(cur) == 0 && t.raw == "|") {
				continue
			}
			cur = append(cur, t)
			continue
		}
		if w == "}" && t.raw == "}" && len(cur) == 0 {
			pop("group", "func")
			continue
		}
		cur = append(cur, t)
		// "name() {" written without spaces before the parens
		if len(cur) == 1 && strings.HasSuffix(t.raw, "()") && isName(strings.TrimSuffix(t.raw, "()")) {
			pendingFunc = strings.TrimSuffix(t.raw, "()")
			cur = cur[:0]
		}
	}
	flush()
	return cmds
}

var shReserved = map[string]bool{"then": true, "do": true, "else": true, "{": true, "}": true, "!": true}

// condText is a condition's source on one line, continuations removed.
func condText(s string) string {
	var out []string
	for _, f := range strings.Fields(s) {
		if f != "\\" {
			out = append(out, f)
		}
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.Join(out, " "), ";"))
}
