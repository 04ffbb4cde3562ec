// Package jsonindent lays out compact JSON as encoding/json's Indent does
// with an empty prefix, byte for byte, but in one plain pass: Indent runs
// its validating scanner over every byte, which made indenting a 285 KB
// manifest cost twice as long as marshalling it. The input must be valid
// JSON without insignificant white space, as json.Marshal writes it.
package jsonindent

import "encoding/json"

// Marshal is json.Marshal laid out with unit per level and a final newline,
// byte for byte what a json.Encoder with SetIndent("", unit) writes.
func Marshal(v any, unit string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(Append(make([]byte, 0, 2*len(b)), b, unit), '\n'), nil
}

// Append appends src, laid out with one unit of indent per level, to dst.
func Append(dst, src []byte, unit string) []byte {
	depth := 0
	open := false      // a '{' or '[' was just written: an empty one stays "{}" or "[]"
	nl := []byte{'\n'} // a newline and the indent of the deepest level yet
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			nl = grow(nl, depth, unit)
			dst = append(dst, nl[:1+depth*len(unit)]...)
		}
		switch c {
		case '"':
			// Copy the string whole: its end is the first quote not escaped.
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++ // the byte it escapes
				}
				j++
			}
			j = min(j+1, len(src))
			dst = append(dst, src[i:j]...)
			i = j - 1
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			dst = append(dst, nl[:1+depth*len(unit)]...)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth = max(depth-1, 0) // for input that is not JSON
				dst = append(dst, nl[:1+depth*len(unit)]...)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// grow makes nl hold a newline and depth units.
func grow(nl []byte, depth int, unit string) []byte {
	for len(nl) < 1+depth*len(unit) {
		nl = append(nl, unit...)
	}
	return nl
}
