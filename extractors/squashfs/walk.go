package squashfs

import (
	"context"
	"strings"
	"sync/atomic"
)

// maxDepth bounds directory nesting; real trees are a few dozen deep.
const maxDepth = 256

// item is one entry for the writer, in tree order.
type item struct {
	path     string
	in       *inode
	uid, gid int64
	link     string       // a later name of a file already written
	abort    *atomic.Bool // set by the writer to stop a file's data
	pieces   chan queued  // a file's data, in order, then nil
}

// walker reads the directory tree from the metadata tables, queues file
// data for the workers and sends every entry to the writer.
type walker struct {
	ctx        context.Context
	img        *image
	s          *super
	dec        *decoder
	inodes     *table
	dirs       *table
	uids, gids []uint32
	fragBlocks map[int64][]byte
	pl         *pipeline
	out        chan<- item
	dirsSeen   map[uint64]bool
	files      map[uint64]string // inode → first name, for hard links
	err        error             // the first format error; the walk goes on
}

func newWalker(ctx context.Context, img *image, pl *pipeline) *walker {
	dec := newDecoder(img.s.comp, img.s.blockSize)
	return &walker{
		ctx: ctx, img: img, s: img.s, dec: dec, pl: pl,
		inodes:     newTable(img, dec, img.s.inodeStart, img.s.dirStart),
		dirs:       newTable(img, dec, img.s.dirStart, img.size),
		fragBlocks: map[int64][]byte{},
		dirsSeen:   map[uint64]bool{},
		files:      map[uint64]string{},
	}
}

func (w *walker) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *walker) run(out chan<- item) {
	w.out = out
	if err := w.readIDs(); err != nil {
		w.fail(err)
		return
	}
	root, err := w.readInode(w.s.rootRef)
	if err != nil {
		w.fail(err)
		return
	}
	if root.typ != typeDir {
		w.fail(w.img.errorf(w.s.inodeStart, "root inode is of type %d", root.typ))
		return
	}
	w.dirsSeen[root.ref] = true
	w.walk(root, "", 0)
}

// walk sends a directory's entries, depth first. It returns errStopped
// when the writer has stopped.
func (w *walker) walk(dir *inode, prefix string, depth int) error {
	if depth >= maxDepth {
		w.fail(w.img.errorf(w.s.dirStart, "directories nested deeper than %d at %q", maxDepth, prefix))
		return nil
	}
	ents, err := w.readDir(dir)
	if err != nil {
		w.fail(err) // keep the entries read before the damage
	}
	for _, e := range ents {
		if err := w.ctx.Err(); err != nil {
			return errStopped
		}
		// "." and names with a slash cannot come from mksquashfs; ".."
		// goes on to the sink, which refuses it and records the attempt.
		if e.name == "" || e.name == "." || strings.ContainsRune(e.name, '/') {
			w.fail(w.img.errorf(w.s.dirStart, "bad name %q in %q", e.name, prefix))
			continue
		}
		p := prefix + e.name
		in, err := w.readInode(e.ref)
		if err != nil {
			w.fail(err)
			continue
		}
		it := item{path: p, in: in}
		if it.uid, it.gid, err = w.owner(in); err != nil {
			w.fail(err)
			continue
		}
		switch in.typ {
		case typeDir:
			if w.dirsSeen[in.ref] {
				w.fail(w.img.errorf(w.s.dirStart, "directory loop: %q is a directory seen before", p))
				continue
			}
			w.dirsSeen[in.ref] = true
			if err := w.send(it); err != nil {
				return err
			}
			if err := w.walk(in, p+"/", depth+1); err != nil {
				return err
			}
		case typeFile:
			if first, ok := w.files[in.ref]; ok {
				it.link = first
				if err := w.send(it); err != nil {
					return err
				}
				continue
			}
			w.files[in.ref] = p
			if err := w.sendFile(it); err != nil {
				return err
			}
		default:
			if err := w.send(it); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) send(it item) error {
	select {
	case w.out <- it:
		return nil
	case <-w.pl.quit:
		return errStopped
	}
}

// sendFile sends a regular file, then queues its data.
func (w *walker) sendFile(it item) error {
	in := it.in
	var frag *fragment
	if in.frag != noFragment {
		f, err := w.fragment(in.frag)
		if err != nil {
			w.fail(err)
			return nil
		}
		frag = &f
	}
	it.abort = new(atomic.Bool)
	it.pieces = make(chan queued, queuedPieces(w.pl.workers)+2)
	if err := w.send(it); err != nil {
		return err
	}
	return w.pl.schedule(in, frag, it.abort, it.pieces)
}
