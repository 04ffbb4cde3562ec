package fdt

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Structure block tokens.
const (
	tokBeginNode = 1
	tokEndNode   = 2
	tokProp      = 3
	tokNop       = 4
	tokEnd       = 9
)

// Limits against hostile trees. Real device trees nest under 10 levels; FIT
// images hold a few dozen nodes, DTBs a few thousand.
const (
	maxDepth    = 64
	maxNameLen  = 256      // node names: the spec allows 31 chars + unit address
	maxKeptProp = 64 << 10 // larger values (image data) are kept as offsets only
	maxKept     = 16 << 20 // property bytes kept in memory per tree
)

// Node is one device tree node.
type Node struct {
	Name     string
	Props    []Prop
	Children []*Node
}

// Prop is a property. Value holds values up to maxKeptProp bytes; larger ones
// only have their offset and length. Off is relative to the FDT start.
type Prop struct {
	Name  string
	Value []byte
	Off   int64
	Len   int64
}

// Prop returns the property called name, or nil.
func (n *Node) Prop(name string) *Prop {
	for i := range n.Props {
		if n.Props[i].Name == name {
			return &n.Props[i]
		}
	}
	return nil
}

// Child returns the child called name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// String returns a string property's first string, "" when absent.
func (n *Node) String(name string) string {
	p := n.Prop(name)
	if p == nil || p.Value == nil {
		return ""
	}
	s, _, _ := strings.Cut(string(p.Value), "\x00")
	return clean(s)
}

// Strings returns a string-list property (compatible).
func (n *Node) Strings(name string) []string {
	p := n.Prop(name)
	if p == nil {
		return nil
	}
	var out []string
	for _, s := range strings.Split(strings.TrimRight(string(p.Value), "\x00"), "\x00") {
		if s != "" {
			out = append(out, clean(s))
		}
	}
	return out
}

// U32 returns a one-cell property, or ok false.
func (n *Node) U32(name string) (uint32, bool) {
	p := n.Prop(name)
	if p == nil || len(p.Value) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(p.Value), true
}

// clean makes input text safe to report.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

// readTree parses the structure block of the FDT at base. It reads the block
// once, front to back, keeping small property values and only the position
// of big ones.
func readTree(r io.ReaderAt, base int64, h header) (*Node, error) {
	strs, err := extractors.ReadAt(r, base+int64(h.OffStrings), int(h.SizeStrings), base+int64(h.TotalSize))
	if err != nil {
		return nil, fmt.Errorf("strings block: %w", err)
	}
	start := base + int64(h.OffStruct)
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, int64(h.SizeStruct)), 32<<10)
	pos := int64(0) // offset in the structure block
	word := func() (uint32, error) {
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return 0, fmt.Errorf("at structure offset 0x%X: %w", pos, err)
		}
		pos += 4
		return binary.BigEndian.Uint32(b[:]), nil
	}
	var stack []*Node
	var root *Node
	kept := 0
	for {
		tok, err := word()
		if err != nil {
			return root, err
		}
		switch tok {
		case tokNop:
		case tokBeginNode:
			if len(stack) >= maxDepth {
				return root, fmt.Errorf("nodes nested deeper than %d", maxDepth)
			}
			if root != nil && len(stack) == 0 {
				return root, fmt.Errorf("second root node at structure offset 0x%X", pos-4)
			}
			name, err := br.ReadSlice(0)
			if err != nil || len(name) > maxNameLen {
				return root, fmt.Errorf("node name at structure offset 0x%X: bad or too long", pos)
			}
			n := &Node{Name: clean(string(name[:len(name)-1]))}
			pos += int64(len(name))
			if pad := (4 - pos%4) % 4; pad > 0 {
				if _, err := br.Discard(int(pad)); err != nil {
					return root, err
				}
				pos += pad
			}
			if root == nil {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case tokEndNode:
			if len(stack) == 0 {
				return root, fmt.Errorf("END_NODE without a node at structure offset 0x%X", pos-4)
			}
			stack = stack[:len(stack)-1]
		case tokProp:
			if len(stack) == 0 {
				return root, fmt.Errorf("property outside a node at structure offset 0x%X", pos-4)
			}
			ln, err := word()
			if err != nil {
				return root, err
			}
			nameOff, err := word()
			if err != nil {
				return root, err
			}
			if int64(ln) > int64(h.SizeStruct)-pos {
				return root, fmt.Errorf("property of %d bytes at structure offset 0x%X runs past the block", ln, pos)
			}
			if nameOff >= h.SizeStrings {
				return root, fmt.Errorf("property name offset 0x%X past the strings block", nameOff)
			}
			pname, _, _ := strings.Cut(string(strs[nameOff:]), "\x00")
			p := Prop{Name: clean(pname), Off: start + pos - base, Len: int64(ln)}
			if ln <= maxKeptProp && kept+int(ln) <= maxKept {
				p.Value = make([]byte, ln)
				if _, err := io.ReadFull(br, p.Value); err != nil {
					return root, err
				}
				kept += int(ln)
			} else if int(ln) <= br.Buffered() {
				br.Discard(int(ln))
			} else {
				// Skip a big value (image data) without reading it.
				br.Reset(io.NewSectionReader(r, start+pos+int64(ln), int64(h.SizeStruct)-pos-int64(ln)))
			}
			pos += int64(ln)
			if pad := (4 - pos%4) % 4; pad > 0 {
				if _, err := br.Discard(int(pad)); err != nil {
					return root, err
				}
				pos += pad
			}
			n := stack[len(stack)-1]
			n.Props = append(n.Props, p)
		case tokEnd:
			if len(stack) != 0 || root == nil {
				return root, fmt.Errorf("END with %d nodes open", len(stack))
			}
			return root, nil
		default:
			return root, fmt.Errorf("token 0x%X at structure offset 0x%X", tok, pos-4)
		}
	}
}
