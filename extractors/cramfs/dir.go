package cramfs

import (
	"context"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// entry is one inode found in the tree, with its path from the root.
type entry struct {
	path string
	n    inode
}

// walk lists every entry below the root, parents before children. A
// directory's entries are read once, so a loop of offsets ends; names that
// could escape or nest are counted and dropped.
func (im *image) walk(ctx context.Context) ([]entry, error) {
	type dir struct {
		path string
		n    inode
	}
	var out []entry
	seen := map[int64]bool{}
	stack := []dir{{"", im.sb.root}}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if d.n.size == 0 || seen[d.n.offset] {
			continue
		}
		seen[d.n.offset] = true
		at := im.base + d.n.offset
		b, err := extractors.ReadAt(im.r, at, int(d.n.size), im.limit)
		if err != nil {
			return out, extractors.Wrap("cramfs", at, err, "directory %q of %d bytes", d.path, d.n.size)
		}
		im.extent(d.n.offset + d.n.size)
		var subdirs []dir
		for pos := 0; pos < len(b); {
			if len(b)-pos < inodeSize {
				return out, extractors.Errorf("cramfs", at+int64(pos), "directory entry cut short")
			}
			n := decodeInode(b[pos:], im.bo)
			if n.namelen == 0 || n.namelen > len(b)-pos-inodeSize {
				return out, extractors.Errorf("cramfs", at+int64(pos), "bad name length %d", n.namelen)
			}
			name := strings.TrimRight(string(b[pos+inodeSize:pos+inodeSize+n.namelen]), "\x00")
			pos += inodeSize + n.namelen
			if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
				im.badNames++
				continue
			}
			if d.path != "" {
				name = d.path + "/" + name
			}
			out = append(out, entry{name, n})
			if im.sb.size == 0 && n.mode&extractors.SIFMT != extractors.SIFDIR {
				im.fileExtent(n)
			}
			if n.mode&extractors.SIFMT == extractors.SIFDIR {
				subdirs = append(subdirs, dir{name, n})
			}
		}
		// Push in reverse so that the walk visits names in stored order.
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return out, nil
}

// fileExtent records how far the blocks of a file or link reach, which is
// how version 1 images, with no size field, tell where they end. Version 1
// predates block sizes other than 4 KiB and pointer flags.
func (im *image) fileExtent(n inode) {
	if n.size == 0 || (n.mode&extractors.SIFMT != extractors.SIFREG && n.mode&extractors.SIFMT != extractors.SIFLNK) {
		return
	}
	table := n.offset + (n.size+4095)/4096*4
	im.extent(table)
	if b, err := extractors.ReadAt(im.r, im.base+table-4, 4, im.limit); err == nil {
		im.extent(int64(im.bo.Uint32(b)))
	}
}
