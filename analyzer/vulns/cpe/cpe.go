// Package cpe parses CPE 2.3 formatted strings and compares their
// attributes the way NVD applicability statements use them (NISTIR 7695
// binding, NISTIR 7696 name matching): "*" is ANY, "-" is NA (not
// applicable), a backslash quotes the next character, and an unquoted "*"
// or "?" inside a value is a wildcard.
package cpe

import (
	"errors"
	"strings"
)

// Attribute indexes of a WFN, in binding order.
const (
	Part = iota
	Vendor
	Product
	Version
	Update
	Edition
	Language
	SWEdition
	TargetSW
	TargetHW
	Other
	nAttrs
)

// Special attribute values after parsing.
const (
	Any = "*"
	NA  = "-"
)

// Name is a parsed CPE 2.3 name. Values are unquoted and lower-cased;
// Any and NA stand for the logical values. Wild marks values that hold
// unquoted wildcards ("1.2*"); those stay in their quoted pattern form.
type Name struct {
	Attr [nAttrs]string
	Wild [nAttrs]bool
}

// ErrSyntax is returned for strings that are not CPE 2.3 formatted strings.
var ErrSyntax = errors.New("cpe: not a CPE 2.3 formatted string")

// Parse reads "cpe:2.3:a:busybox:busybox:1.23.2:*:*:*:*:*:*:*". Missing
// trailing attributes are ANY, as in the binding's shortened forms.
func Parse(s string) (Name, error) {
	var n Name
	rest, ok := strings.CutPrefix(s, "cpe:2.3:")
	if !ok {
		return n, ErrSyntax
	}
	i, start := 0, 0
	var cur strings.Builder
	wild, quoted := false, false
	flush := func(raw string) error {
		if i >= nAttrs {
			return ErrSyntax
		}
		v := cur.String()
		switch {
		case v == "*" && wild:
			n.Attr[i] = Any
		case v == "-" && !quoted:
			n.Attr[i] = NA
		case wild:
			n.Attr[i] = strings.ToLower(raw)
			n.Wild[i] = true
		default:
			n.Attr[i] = v
		}
		cur.Reset()
		wild, quoted = false, false
		i++
		return nil
	}
	for j := 0; j < len(rest); j++ {
		c := rest[j]
		switch c {
		case '\\':
			if j+1 >= len(rest) {
				return n, ErrSyntax
			}
			j++
			quoted = true
			cur.WriteByte(lower(rest[j]))
		case ':':
			if err := flush(rest[start:j]); err != nil {
				return n, err
			}
			start = j + 1
		case '*', '?':
			wild = true
			cur.WriteByte(c)
		default:
			cur.WriteByte(lower(c))
		}
	}
	if err := flush(rest[start:]); err != nil {
		return n, err
	}
	for ; i < nAttrs; i++ {
		n.Attr[i] = Any
	}
	if n.Attr[Part] != "a" && n.Attr[Part] != "o" && n.Attr[Part] != "h" && n.Attr[Part] != Any {
		return n, ErrSyntax
	}
	return n, nil
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// VendorProduct is "vendor:product", the key vulnerability data is indexed by.
func (n Name) VendorProduct() string { return n.Attr[Vendor] + ":" + n.Attr[Product] }

// String formats the name back into a CPE 2.3 formatted string.
func (n Name) String() string {
	var b strings.Builder
	b.WriteString("cpe:2.3")
	for i, v := range n.Attr {
		b.WriteByte(':')
		if v == Any || v == NA || n.Wild[i] {
			b.WriteString(v)
			continue
		}
		for k := 0; k < len(v); k++ {
			c := v[k]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') || (c == '-' && len(v) == 1) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// AttrMatch tells whether the source value (from an applicability
// statement) admits the target value (from a component). ANY on either side
// matches: a component that does not know its edition is not excluded by
// one. NA matches only NA. A wildcard source matches by pattern.
func AttrMatch(src string, srcWild bool, tgt string) bool {
	switch {
	case src == Any || tgt == Any:
		return true
	case src == NA || tgt == NA:
		return src == tgt
	case srcWild:
		return glob(src, tgt)
	}
	return src == tgt
}

// glob matches "*" (any run) and "?" (one character) in the quoted
// pattern p against s; "\\x" is a literal x.
func glob(p, s string) bool {
	star, ss := -1, 0
	i, j := 0, 0
	for j < len(s) {
		lit, w := byte(0), 1
		if i < len(p) {
			lit = p[i]
			if lit == '\\' && i+1 < len(p) {
				lit, w = p[i+1], 2
			}
		}
		switch {
		case i < len(p) && (p[i] == '?' || lit == s[j] && (w == 2 || p[i] != '*')):
			i += w
			j++
		case i < len(p) && p[i] == '*':
			star, ss = i, j
			i++
		case star >= 0:
			i = star + 1
			ss++
			j = ss
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// Escape quotes the characters a CPE 2.3 formatted string value escapes.
func Escape(s string) string {
	if s == "-" || s == "" {
		return `\` + s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
