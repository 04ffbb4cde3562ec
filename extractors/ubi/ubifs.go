package ubi

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// UBIFS handles UBIFS file systems: bare (mkfs.ubifs output, LEBs back to
// back) or as the blob of a UBI volume, which is the same thing. The tree is
// read through the index (a B+tree from the master node's root); journal
// nodes not yet committed to the index are not replayed.
type UBIFS struct{}

func (UBIFS) Name() string { return "ubifs" }

// Magics: the node magic and the superblock's node type at 20.
func (UBIFS) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x31, 0x18, 0x10, 0x06}}}
}

func (UBIFS) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, sbNodeSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("ubifs", "short superblock")
	}
	sb, err := parseSuper(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("ubifs", err.Error())
	}
	end := min(size, off+sb.lebCnt*sb.lebSize)
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High,
		Info:  fmt.Sprintf("ubifs, %d LEBs of %d bytes, format %d", sb.lebCnt, sb.lebSize, sb.fmtVersion),
		Attrs: map[string]string{"ubifs.leb_size": fmt.Sprint(sb.lebSize), "ubifs.leb_count": fmt.Sprint(sb.lebCnt)}}, nil
}

// fsys is an open UBIFS.
type fsys struct {
	r      io.ReaderAt
	start  int64
	end    int64
	sb     ubifsSuper
	inodes map[uint32]*ubifsInode
	dents  map[uint32][]ubifsDent
	data   map[uint32][]dataRef
	bad    int // nodes that failed their checks
}

// dataRef locates the data node of one block of a file.
type dataRef struct {
	block      uint32
	lnum, offs uint32
	len        uint32
}

// node reads and checks the node at (lnum, offs) that the index says is
// size bytes long.
func (f *fsys) node(lnum, offs, size uint32) ([]byte, error) {
	at := f.start + int64(lnum)*f.sb.lebSize + int64(offs)
	if int64(lnum) >= f.sb.lebCnt || int64(offs)+int64(size) > f.sb.lebSize || size < chSize {
		return nil, extractors.Errorf("ubifs", at, "node at LEB %d:%d of %d bytes out of range", lnum, offs, size)
	}
	b, err := extractors.ReadAt(f.r, at, int(size), f.end)
	if err != nil {
		return nil, extractors.Wrap("ubifs", at, err, "node at LEB %d:%d", lnum, offs)
	}
	n, ok := checkNode(b)
	if !ok {
		return nil, extractors.Errorf("ubifs", at, "bad node at LEB %d:%d", lnum, offs)
	}
	return n, nil
}

// master finds the newest valid master node in LEBs 1 and 2, which hold
// copies appended one after the other.
func (f *fsys) master() (master, error) {
	var best master
	found := false
	for lnum := int64(1); lnum <= 2; lnum++ {
		at := f.start + lnum*f.sb.lebSize
		b, err := extractors.ReadAt(f.r, at, int(min(f.sb.lebSize, f.end-at)), f.end)
		if err != nil {
			continue
		}
		for pos := 0; pos+mstNodeSize <= len(b); pos += 8 {
			if le.Uint32(b[pos:]) != ubifsMagic {
				continue
			}
			if n, ok := checkNode(b[pos : pos+mstNodeSize]); ok {
				if m, ok := parseMaster(n); ok && (!found || m.sqnum > best.sqnum) {
					best, found = m, true
				}
			}
		}
	}
	if !found {
		return best, extractors.Errorf("ubifs", f.start+f.sb.lebSize, "no valid master node")
	}
	return best, nil
}

// walk reads the index from the root and collects the leaves. Index nodes
// are visited once and the depth is bounded, so a corrupt index that loops
// ends.
func (f *fsys) walk(ctx context.Context, m master) error {
	type ref struct {
		lnum, offs, len uint32
		depth           int
	}
	branch := 12 + 8 + f.sb.hashLen
	seen := map[[2]uint32]bool{}
	stack := []ref{{m.rootLnum, m.rootOffs, m.rootLen, 0}}
	for steps := 0; len(stack) > 0; steps++ {
		if steps&0xFFF == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[[2]uint32{x.lnum, x.offs}] || x.depth > 64 {
			f.bad++
			continue
		}
		seen[[2]uint32{x.lnum, x.offs}] = true
		n, err := f.node(x.lnum, x.offs, x.len)
		if err != nil || n[20] != nodeIdx || len(n) < idxNodeSize {
			if x.depth == 0 {
				return extractors.Wrap("ubifs", f.start, err, "index root")
			}
			f.bad++
			continue
		}
		cnt, level := int(le.Uint16(n[24:])), le.Uint16(n[26:])
		if cnt*branch > len(n)-idxNodeSize {
			f.bad++
			continue
		}
		for i := range cnt {
			b := n[idxNodeSize+i*branch:]
			c := ref{le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:]), x.depth + 1}
			if level > 0 {
				stack = append(stack, c)
				continue
			}
			inum, typ, low := keyOf(b[12:])
			switch typ {
			case keyData:
				f.data[inum] = append(f.data[inum], dataRef{low, c.lnum, c.offs, c.len})
			case keyIno:
				if leaf, err := f.node(c.lnum, c.offs, c.len); err != nil {
					f.bad++
				} else if ino, ok := parseIno(leaf); ok && ino.inum == inum {
					f.inodes[inum] = &ino
				} else {
					f.bad++
				}
			case keyDent:
				if leaf, err := f.node(c.lnum, c.offs, c.len); err != nil {
					f.bad++
				} else if d, ok := parseDent(leaf); ok && d.parent == inum {
					f.dents[inum] = append(f.dents[inum], d)
				} else {
					f.bad++
				}
			}
			// Extended attribute entries (keyXent) are skipped.
		}
	}
	return nil
}

func (UBIFS) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, sbNodeSize, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("ubifs", c.Start, err, "superblock")
	}
	sb, err := parseSuper(b)
	if err != nil {
		return c.Start, extractors.Wrap("ubifs", c.Start, err, "superblock")
	}
	f := &fsys{r: r, start: c.Start, end: c.End, sb: sb, inodes: map[uint32]*ubifsInode{},
		dents: map[uint32][]ubifsDent{}, data: map[uint32][]dataRef{}}
	m, err := f.master()
	if err != nil {
		return c.End, err
	}
	err = f.walk(ctx, m)
	if err == nil {
		err = f.write(ctx, dst)
	}
	if f.bad > 0 {
		dst.Note("ubifs.bad_nodes", fmt.Sprint(f.bad))
	}
	return c.End, err
}

// write walks the tree from the root inode: directories, links and devices
// in order, regular files through workers that decompress in parallel.
func (f *fsys) write(ctx context.Context, dst extractors.Sink) error {
	type job struct {
		name string
		ino  *ubifsInode
		m    extractors.Meta
	}
	// A decoder per worker: zstd and flate decoders are reused across files.
	decs := make(chan *decoder, runtime.GOMAXPROCS(0))
	for range cap(decs) {
		decs <- &decoder{}
	}
	defer func() {
		for range cap(decs) {
			(<-decs).close()
		}
	}()
	w := extractors.StartWorkers(ctx, func(j job) error {
		d := <-decs
		defer func() { decs <- d }()
		return dst.File(j.name, j.m, f.reader(j.ino, d))
	})
	written := map[uint32]string{rootIno: ""}
	var links [][2]string // written once their targets are, after the workers
	badNames := 0
	type dir struct {
		inum uint32
		path string
	}
	stack := []dir{{rootIno, ""}}
	for len(stack) > 0 && w.Context().Err() == nil {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ents := f.dents[d.inum]
		sort.Slice(ents, func(a, b int) bool { return ents[a].name < ents[b].name })
		var subdirs []dir
		for _, e := range ents {
			if e.name == "" || e.name == "." || e.name == ".." || strings.ContainsAny(e.name, "/\x00") {
				badNames++
				continue
			}
			name := e.name
			if d.path != "" {
				name = d.path + "/" + e.name
			}
			ino := f.inodes[e.inum]
			if ino == nil {
				f.bad++
				continue
			}
			if first, ok := written[e.inum]; ok {
				if ino.mode&extractors.SIFMT != extractors.SIFDIR {
					links = append(links, [2]string{name, first})
				}
				continue
			}
			written[e.inum] = name
			m := extractors.Meta{Mode: extractors.UnixMode(ino.mode), UID: int64(ino.uid), GID: int64(ino.gid),
				MTime: time.Unix(ino.mtime, 0).UTC()}
			var err error
			switch ino.mode & extractors.SIFMT {
			case extractors.SIFDIR:
				err = dst.Dir(name, m)
				subdirs = append(subdirs, dir{e.inum, name})
			case extractors.SIFREG:
				w.Submit(job{name, ino, m})
			case extractors.SIFLNK:
				err = dst.Symlink(name, string(ino.data), m)
			case extractors.SIFCHR, extractors.SIFBLK:
				if len(ino.data) >= 4 {
					v := le.Uint32(ino.data)
					m.Major, m.Minor = (v&0xFFF00)>>8, (v&0xFF)|(v>>12)&0xFFF00
				}
				err = dst.Special(name, m)
			case extractors.SIFIFO, extractors.SIFSOCK:
				err = dst.Special(name, m)
			default:
				f.bad++
			}
			if err != nil {
				w.Fail(err)
			}
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	w.Wait()
	for _, l := range links {
		if w.Context().Err() != nil {
			break
		}
		if err := dst.Hardlink(l[0], l[1]); err != nil {
			w.Fail(err)
		}
	}
	if badNames > 0 {
		dst.Note("ubifs.bad_names", fmt.Sprint(badNames))
	}
	return w.Err()
}

// maxFile bounds the size a file may claim (the rest is refused, not
// streamed as zeros).
const maxFile = 1 << 40

// reader streams a file block by block; blocks without a data node are
// holes.
func (f *fsys) reader(ino *ubifsInode, d *decoder) io.Reader {
	refs := f.data[ino.inum]
	sort.Slice(refs, func(a, b int) bool { return refs[a].block < refs[b].block })
	return &fileReader{f: f, d: d, refs: refs, size: int64(min(ino.size, maxFile)), buf: make([]byte, blockSize)}
}

type fileReader struct {
	f    *fsys
	d    *decoder
	refs []dataRef
	size int64
	pos  int64
	buf  []byte
	out  []byte
}

func (r *fileReader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.pos >= r.size {
			return 0, io.EOF
		}
		block := uint32(r.pos / blockSize)
		for len(r.refs) > 0 && r.refs[0].block < block {
			r.refs = r.refs[1:]
		}
		clear(r.buf)
		if len(r.refs) > 0 && r.refs[0].block == block {
			ref := r.refs[0]
			n, err := r.f.node(ref.lnum, ref.offs, ref.len)
			if err == nil {
				_, err = r.d.decodeData(n, r.buf)
			}
			if err != nil {
				return 0, extractors.Wrap("ubifs", r.f.start+int64(ref.lnum)*r.f.sb.lebSize+int64(ref.offs), err, "data block %d", block)
			}
		}
		r.out = r.buf[:min(blockSize, r.size-r.pos)]
		r.pos += int64(len(r.out))
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}
