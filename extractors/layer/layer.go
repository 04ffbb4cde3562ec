// Package layer names where a byte or a file came from inside a firmware image.
//
// A layer path reads outer to inner: "fw.bin@0x11B0A0:squashfs/etc/shadow" is the
// file etc/shadow of the squashfs chunk found at offset 0x11B0A0 of fw.bin. Nesting
// appends "@0xOFF:format/path" for every further chunk.
package layer

import (
	"fmt"
	"strconv"
	"strings"
)

// Layer is one step of provenance: a chunk of Format at Offset inside its parent
// blob, and a Path inside that chunk (empty for the chunk itself). The root layer
// is the input image: Parent nil, Format empty, Path its base name.
type Layer struct {
	Parent *Layer
	Offset int64
	Format string
	Path   string
}

// Root returns the layer of an input image.
func Root(name string) *Layer { return &Layer{Path: name} }

// Chunk returns the layer of a chunk of format at off inside l.
func (l *Layer) Chunk(off int64, format string) *Layer {
	return &Layer{Parent: l, Offset: off, Format: format}
}

// File returns the layer of a file at path inside the chunk l.
func (l *Layer) File(path string) *Layer {
	return &Layer{Parent: l.Parent, Offset: l.Offset, Format: l.Format, Path: path}
}

// String renders the layer path.
func (l *Layer) String() string {
	if l == nil {
		return ""
	}
	if l.Parent == nil && l.Format == "" {
		return l.Path
	}
	var b strings.Builder
	b.WriteString(l.Parent.String())
	fmt.Fprintf(&b, "@0x%X:%s", l.Offset, l.Format)
	if l.Path != "" {
		b.WriteByte('/')
		b.WriteString(l.Path)
	}
	return b.String()
}

// Depth counts the chunks between the input image and l.
func (l *Layer) Depth() int {
	n := 0
	for p := l; p != nil && p.Format != ""; p = p.Parent {
		n++
	}
	return n
}

// Parse inverts String. Names that themselves contain "@0x" followed by hex and a
// colon are ambiguous; such a name is split at its last such marker.
func Parse(s string) (*Layer, error) {
	var parts []int
	for i := 0; i+3 < len(s); i++ {
		if s[i] == '@' && s[i+1] == '0' && s[i+2] == 'x' {
			j := i + 3
			for j < len(s) && isHex(s[j]) {
				j++
			}
			if j > i+3 && j < len(s) && s[j] == ':' {
				parts = append(parts, i)
			}
		}
	}
	if len(parts) == 0 {
		if s == "" {
			return nil, fmt.Errorf("layer: empty path")
		}
		return Root(s), nil
	}
	l := Root(s[:parts[0]])
	for k, at := range parts {
		end := len(s)
		if k+1 < len(parts) {
			end = parts[k+1]
		}
		seg := s[at+3 : end] // "11B0A0:squashfs/etc/shadow"
		colon := strings.IndexByte(seg, ':')
		off, err := strconv.ParseInt(seg[:colon], 16, 64)
		if err != nil {
			return nil, fmt.Errorf("layer: bad offset in %q: %w", s, err)
		}
		rest := seg[colon+1:]
		format, path, _ := strings.Cut(rest, "/")
		if format == "" {
			return nil, fmt.Errorf("layer: missing format in %q", s)
		}
		c := l.Chunk(off, format)
		if path != "" {
			c = c.File(path)
		}
		l = c
	}
	return l, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
