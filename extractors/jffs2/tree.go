package jffs2

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// rootIno is the root directory's inode; mkfs.jffs2 writes no node for it.
const rootIno = 1

// writer walks the directory tree from the root and writes every entry.
type writer struct {
	ctx      context.Context
	im       *image
	w        *window
	dst      extractors.Sink
	children map[uint32][]dirent
	written  map[uint32]string // inode -> first path, for hard links
	badData  int
	badNames int
	firstErr error
}

func (im *image) write(ctx context.Context, r io.ReaderAt, size int64, dst extractors.Sink) error {
	wr := &writer{ctx: ctx, im: im, w: &window{r: r, size: size}, dst: dst,
		children: map[uint32][]dirent{}, written: map[uint32]string{rootIno: ""}}
	for _, d := range im.dirents {
		if d.ino != 0 {
			wr.children[d.pino] = append(wr.children[d.pino], d)
		}
	}
	for _, c := range wr.children {
		sort.Slice(c, func(a, b int) bool { return c[a].name < c[b].name })
	}
	err := wr.dir(rootIno, "")
	if wr.badData > 0 {
		dst.Note("jffs2.bad_data_nodes", fmt.Sprint(wr.badData))
	}
	if wr.badNames > 0 {
		dst.Note("jffs2.bad_names", fmt.Sprint(wr.badNames))
	}
	if err == nil {
		err = wr.firstErr
	}
	return err
}

// dir writes the entries of directory ino found at path p. Directories are
// visited once, so a loop of dirents ends.
func (wr *writer) dir(ino uint32, p string) error {
	for _, d := range wr.children[ino] {
		if err := wr.ctx.Err(); err != nil {
			return err
		}
		if d.name == "" || d.name == "." || d.name == ".." || strings.ContainsAny(d.name, "/\x00") {
			wr.badNames++
			continue
		}
		name := d.name
		if p != "" {
			name = p + "/" + d.name
		}
		if err := wr.entry(d, name); extractors.IsFatal(err) {
			return err
		}
	}
	return nil
}

func (wr *writer) entry(d dirent, name string) error {
	f := wr.im.files[d.ino]
	if f == nil {
		// A dirent without any inode node: nothing to write but a directory.
		if d.typ == 4 { // DT_DIR
			if _, seen := wr.written[d.ino]; seen {
				return nil
			}
			wr.written[d.ino] = name
			if err := wr.dst.Dir(name, extractors.Meta{Mode: fs.ModeDir | 0o755}); err != nil {
				return err
			}
			return wr.dir(d.ino, name)
		}
		wr.badNames++
		return nil
	}
	n := f.latest
	m := extractors.Meta{Mode: extractors.UnixMode(n.mode), UID: int64(n.uid), GID: int64(n.gid),
		MTime: time.Unix(int64(n.mtime), 0).UTC()}
	first, seen := wr.written[d.ino]
	if seen && n.mode&extractors.SIFMT == extractors.SIFDIR {
		return nil // a second name of a directory: a loop or corruption
	}
	if seen {
		return wr.dst.Hardlink(name, first)
	}
	wr.written[d.ino] = name
	switch n.mode & extractors.SIFMT {
	case extractors.SIFDIR:
		if err := wr.dst.Dir(name, m); err != nil {
			return err
		}
		return wr.dir(d.ino, name)
	case extractors.SIFREG:
		return wr.dst.File(name, m, wr.reader(f))
	case extractors.SIFLNK:
		target, err := io.ReadAll(io.LimitReader(wr.reader(f), 4096))
		if err != nil {
			return err
		}
		return wr.dst.Symlink(name, string(target), m)
	case extractors.SIFCHR, extractors.SIFBLK:
		m.Major, m.Minor = wr.device(f)
		return wr.dst.Special(name, m)
	case extractors.SIFIFO, extractors.SIFSOCK:
		return wr.dst.Special(name, m)
	}
	wr.badNames++
	return nil
}

func (wr *writer) reader(f *file) *fileReader {
	return &fileReader{w: wr.w, frags: fragments(f.nodes, f.latest.isize), size: f.latest.isize,
		err: func(n *inode, err error) {
			wr.badData++
			if wr.firstErr == nil {
				wr.firstErr = extractors.Wrap("jffs2", n.data, err, "inode %d version %d (%s)", n.ino, n.version, comprName(n.compr))
			}
		}}
}

// device decodes the device number a device inode holds as the data of
// its newest data node: the old 16-bit or the new 32-bit Linux encoding.
func (wr *writer) device(f *file) (major, minor uint32) {
	var n *inode
	for i := range f.nodes {
		if n == nil || f.nodes[i].version >= n.version {
			n = &f.nodes[i]
		}
	}
	if n == nil || (n.dsize != 2 && n.dsize != 4) {
		return 0, 0
	}
	r := &fileReader{w: wr.w, err: func(*inode, error) {}}
	r.load(n)
	bo := wr.im.bo
	if n.dsize == 2 {
		v := bo.Uint16(r.buf)
		return uint32(v >> 8), uint32(v & 0xFF)
	}
	v := bo.Uint32(r.buf)
	return (v & 0xFFF00) >> 8, (v & 0xFF) | (v>>12)&0xFFF00
}
