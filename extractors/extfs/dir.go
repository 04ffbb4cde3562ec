package extfs

import (
	"context"
	"encoding/binary"
	"io"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// entry is one inode reached from the root, with its path; link names the
// path first written for the same inode when this one is a hard link.
type entry struct {
	path string
	n    *inode
	link string
}

// dirent is one directory entry.
type dirent struct {
	ino  uint32
	name string
}

// parseDirBlock decodes the ext4_dir_entry_2 records of one directory block
// (or of an inline directory's region). Records whose inode is 0 are unused
// space, htree index nodes and checksum tails, which is why an htree
// directory reads correctly as a linear one.
func (im *image) parseDirBlock(b []byte, out []dirent) ([]dirent, bool) {
	le := binary.LittleEndian
	for pos := 0; pos+8 <= len(b); {
		ino, recLen := le.Uint32(b[pos:]), int(le.Uint16(b[pos+4:]))
		nameLen := int(b[pos+6])
		if im.sb.incompat&incompatFiletype == 0 {
			nameLen |= int(b[pos+7]) << 8
		}
		if im.sb.bs >= 65536 {
			// 64 KiB blocks do not fit in rec_len: the low bits carry the top.
			if recLen == 65535 || recLen == 0 {
				recLen = int(im.sb.bs)
			} else {
				recLen = recLen&65532 | (recLen&3)<<16
			}
		}
		if recLen < 8 || recLen%4 != 0 || recLen > len(b)-pos || nameLen > recLen-8 {
			return out, false
		}
		if ino != 0 {
			out = append(out, dirent{ino, string(b[pos+8 : pos+8+nameLen])})
		}
		pos += recLen
	}
	return out, true
}

// maxDirSize caps a directory: even a largedir directory of ten million
// entries is smaller, and a corrupt size must not make us walk holes.
const maxDirSize = 1 << 30

// readDir lists a directory, block by block through its mapping or from its
// inline data.
func (im *image) readDir(ctx context.Context, n *inode) ([]dirent, error) {
	var out []dirent
	if n.flags&flagInlineData != 0 {
		b, err := im.inlineData(n)
		if err != nil {
			return nil, err
		}
		// The first four bytes are the parent's inode number.
		var ok1, ok2 bool
		out, ok1 = im.parseDirBlock(b[4:60], out)
		out, ok2 = im.parseDirBlock(b[60:], out)
		if !ok1 || !ok2 {
			im.badBlocks++
		}
		return out, nil
	}
	if n.size > maxDirSize {
		return nil, extractors.Errorf("ext", im.base, "directory inode %d of %d bytes", n.ino, n.size)
	}
	r, err := im.open(n)
	if err != nil {
		return nil, err
	}
	blk := make([]byte, im.sb.bs)
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		k, err := io.ReadFull(r, blk)
		if k > 0 {
			var ok bool
			if out, ok = im.parseDirBlock(blk[:k], out); !ok {
				im.badBlocks++
			}
		}
		switch err {
		case nil:
		case io.EOF, io.ErrUnexpectedEOF:
			return out, nil
		default:
			return out, err
		}
	}
}

// walk lists every entry below the root, parents before children. Each
// directory inode is read once, so directory cycles end; an inode met a
// second time is a hard link to the first path.
func (im *image) walk(ctx context.Context) ([]entry, error) {
	type dir struct {
		path string
		n    *inode
	}
	root, err := im.readInode(rootIno)
	if err != nil {
		return nil, err
	}
	if root.typ() != extractors.SIFDIR {
		return nil, extractors.Errorf("ext", im.base, "root inode is not a directory")
	}
	var out []entry
	seenDir := map[uint32]bool{rootIno: true}
	first := map[uint32]string{}
	stack := []dir{{"", root}}
	var firstErr error
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ents, err := im.readDir(ctx, d.n)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		var subdirs []dir
		for _, de := range ents {
			if de.name == "." || de.name == ".." {
				continue
			}
			if de.name == "" || strings.ContainsAny(de.name, "/\x00") {
				im.badNames++
				continue
			}
			name := de.name
			if d.path != "" {
				name = d.path + "/" + name
			}
			n, err := im.readInode(de.ino)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			if n.typ() == extractors.SIFDIR {
				if seenDir[de.ino] {
					im.loops++
					continue
				}
				seenDir[de.ino] = true
				subdirs = append(subdirs, dir{name, n})
			} else if p, ok := first[de.ino]; ok {
				out = append(out, entry{path: name, n: n, link: p})
				continue
			} else {
				first[de.ino] = name
			}
			if n.flags&flagInlineData == 0 {
				n.extra = nil
			}
			out = append(out, entry{path: name, n: n})
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return out, firstErr
}
