package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fwstar/fwstar/extractors"
)

// budget is shared by every sink of one extraction.
type budget struct {
	limits Limits
	bytes  atomic.Int64
	files  atomic.Int64
}

// spent returns the image-wide budget that has run out, if any.
func (b *budget) spent() *extractors.LimitError {
	switch {
	case b.files.Load() >= b.limits.Files:
		return &extractors.LimitError{Limit: "files", Value: b.limits.Files}
	case b.bytes.Load() >= b.limits.TotalBytes:
		return &extractors.LimitError{Limit: "bytes", Value: b.limits.TotalBytes}
	}
	return nil
}

// dirSink writes one chunk's entries under an os.Root, the single confinement
// point: os.Root refuses any path that leaves the root, through symlinks too.
type dirSink struct {
	ctx    context.Context
	root   *os.Root
	sig    *signatures
	b      *budget
	inSize int64 // chunk bytes in, for the ratio budget; <= 0 when unknown

	mu       sync.Mutex
	out      int64
	rec      map[string]*Entry
	problems []Problem
	blobs    []string               // paths of nested blobs and regular files, once each
	magic    map[string]bool        // per path in blobs: its last write held a magic
	cands    map[string][]candidate // per path in blobs: its last write's candidates, when the watch kept them
	nCands   int
	dirs     map[string]bool // folders checked to be real folders, not links
	handles  map[string]*os.Root
	attrs    map[string]string
	limitHit *extractors.LimitError

	grow    func(p string, g *growing)                  // starts the scan of a blob as it is written; nil: never
	early   func(p string, e *Entry, cands []candidate) // starts the scan of a file with a magic once written; nil: never
	grows   map[string]*growing                         // per path: its last write's growing blob
	counted int64                                       // files counted against the image's budget
	spent   int64                                       // bytes counted against the image's budget
}

func newDirSink(ctx context.Context, dir string, b *budget, inSize int64, sig *signatures) (*dirSink, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &dirSink{ctx: ctx, root: root, sig: sig, b: b, inSize: inSize, rec: map[string]*Entry{}, magic: map[string]bool{}, cands: map[string][]candidate{}}, nil
}

func (s *dirSink) close() error {
	s.mu.Lock()
	for _, h := range s.handles {
		h.Close()
	}
	s.handles = nil
	s.mu.Unlock()
	return s.root.Close()
}

// maxHandles bounds the folders a sink holds open; past it they are all
// closed and reopened as needed (a tree of 100k folders costs no 100k fds).
const maxHandles = 64

// handle returns an open handle to the folder d, which this sink made (so it
// is a real folder, never a link: free never removes one), or nil. An entry
// is then made with one openat in its folder instead of one per component
// of its path from the root.
func (s *dirSink) handle(d string) *os.Root {
	if d == "." {
		return s.root
	}
	s.mu.Lock()
	h, real := s.handles[d], s.dirs[d]
	s.mu.Unlock()
	if h != nil || !real {
		return h
	}
	parent := s.handle(path.Dir(d))
	if parent == nil {
		return nil
	}
	h, err := parent.OpenRoot(path.Base(d))
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.handles[d]; old != nil {
		h.Close()
		return old
	}
	if len(s.handles) >= maxHandles {
		// A handle still in use stays valid until its call returns (os.Root
		// counts its users); a later call on it fails and takes the slow way.
		for k, o := range s.handles {
			o.Close()
			delete(s.handles, k)
		}
	}
	if s.handles == nil {
		s.handles = map[string]*os.Root{}
	}
	s.handles[d] = h
	return h
}

// clean turns an archive's name into a local slash path or refuses it.
// Leading slashes are dropped (absolute names are common in cpio and tar and
// mean "relative to the image root"); ".." that would climb out is refused.
func (s *dirSink) clean(name string) (string, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return "", s.refuse(name, "NUL in name")
	}
	p := path.Clean("/" + strings.TrimLeft(name, "/"))
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return "", s.refuse(name, "path traversal")
		}
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		p = "."
	}
	return p, nil
}

func (s *dirSink) refuse(name, reason string) error {
	s.mu.Lock()
	s.problems = append(s.problems, Problem{Kind: "path", Path: name, Detail: reason})
	s.mu.Unlock()
	return &extractors.PathError{Path: name, Reason: reason}
}

func (s *dirSink) check() error {
	if err := s.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return s.hit("time", int64(s.b.limits.HandlerTimeout.Seconds()))
		}
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limitHit != nil {
		return s.limitHit
	}
	return nil
}

func (s *dirSink) hit(limit string, v int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hitLocked(limit, v)
}

func (s *dirSink) hitLocked(limit string, v int64) error {
	if s.limitHit == nil {
		s.limitHit = &extractors.LimitError{Limit: limit, Value: v}
	}
	return s.limitHit
}

func (s *dirSink) countFile() error {
	if err := s.check(); err != nil {
		return err
	}
	s.mu.Lock()
	s.counted++
	s.mu.Unlock()
	if n := s.b.files.Add(1); n > s.b.limits.Files {
		return s.hit("files", s.b.limits.Files)
	}
	return nil
}

func (s *dirSink) add(e *Entry) {
	s.mu.Lock()
	s.rec[e.Path] = e
	s.mu.Unlock()
}

// parents creates the missing parent directories of p.
func (s *dirSink) parents(p string) error {
	if d := path.Dir(p); d != "." {
		return s.mkdirs(p, d)
	}
	return nil
}

// mkdirs creates the folder d (for the entry name) unless a component of it
// is a symlink: os.Root keeps a link inside the root, but following one would
// still put the entry somewhere else than its name says (a tar's "lib -> usr"
// then "lib/x"), so the entry is refused instead.
func (s *dirSink) mkdirs(name, d string) error {
	// Folders this sink made are real folders (free never removes one), so
	// only the components below the deepest known one need a look: each
	// os.Root lookup opens every component again.
	s.mu.Lock()
	from := 0
	for k := len(d); k > 0; k = strings.LastIndexByte(d[:k], '/') {
		if s.dirs[d[:k]] {
			from = k + 1
			break
		}
	}
	s.mu.Unlock()
	// Each missing folder is made in its known parent; the first that is not
	// made so (it exists: a link, a file or a folder made by a link) takes
	// the careful way below.
	for from <= len(d) {
		end := strings.IndexByte(d[from:], '/')
		if end < 0 {
			end = len(d)
		} else {
			end += from
		}
		parent := "."
		if from > 1 {
			parent = d[:from-1]
		}
		h := s.handle(parent)
		if h == nil || h.Mkdir(d[from:end], 0o755) != nil {
			break
		}
		s.mu.Lock()
		if s.dirs == nil {
			s.dirs = map[string]bool{}
		}
		s.dirs[d[:end]] = true
		s.mu.Unlock()
		from = end + 1
	}
	if from > len(d) {
		return nil
	}
	for i := max(from, 1); i <= len(d); i++ {
		if i < len(d) && d[i] != '/' {
			continue
		}
		fi, err := s.root.Lstat(d[:i])
		if err != nil {
			break // missing from here on: MkdirAll creates real folders
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return s.refuse(name, fmt.Sprintf("parent %q is a symlink", d[:i]))
		}
	}
	if err := s.root.MkdirAll(d, 0o755); err != nil {
		return s.refuse(name, err.Error())
	}
	// A real folder stays one: free never removes folders.
	s.mu.Lock()
	if s.dirs == nil {
		s.dirs = map[string]bool{}
	}
	for k := len(d); k > 0; k = strings.LastIndexByte(d[:k], '/') {
		s.dirs[d[:k]] = true
	}
	s.mu.Unlock()
	return nil
}

// free removes whatever p names now, so a later entry of the same name (cpio,
// JFFS2 and tar allow that) replaces it instead of writing through it.
func (s *dirSink) free(p string) {
	// Only this sink writes under its root: a name it has not recorded yet
	// cannot be on disk, and the lookup (one open per component) is saved.
	s.mu.Lock()
	_, seen := s.rec[p]
	s.mu.Unlock()
	if !seen {
		return
	}
	if fi, err := s.root.Lstat(p); err == nil && !fi.IsDir() {
		_ = s.root.Remove(p)
	}
}

func entry(p, typ string, m extractors.Meta) *Entry {
	e := &Entry{Path: p, Type: typ, Mode: strconv.FormatUint(uint64(extractors.UnixPerm(m.Mode)), 8), UID: m.UID, GID: m.GID}
	if !m.MTime.IsZero() {
		e.MTime = m.MTime.Unix()
	}
	return e
}

func (s *dirSink) Dir(name string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	if err := s.countFile(); err != nil {
		return err
	}
	if p != "." {
		if err := s.mkdirs(name, p); err != nil {
			return err
		}
	}
	s.add(entry(p, TypeDir, m))
	return nil
}

func (s *dirSink) File(name string, m extractors.Meta, r io.Reader) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	e := entry(p, TypeFile, m)
	if err := s.write(p, r, e, 0); err != nil {
		return err
	}
	s.add(e)
	if s.early != nil {
		s.mu.Lock()
		hit, cands := s.magic[p], s.cands[p]
		s.mu.Unlock()
		if hit {
			s.early(p, e, cands)
		}
	}
	return nil
}

func (s *dirSink) Blob(name string, r io.Reader) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	e := &Entry{Path: p, Type: TypeBlob, Mode: "644"}
	var hint int64
	if h, ok := r.(extractors.SizeHinter); ok {
		hint = h.SizeHint()
	}
	err = s.write(p, r, e, hint)
	if e.SHA256 != "" {
		s.add(e) // a blob cut short by a budget is still scanned
	}
	return err
}

// write copies r to p within the budgets and fills e's size and sha256. A
// blob of hint bytes (0: unknown) may be scanned while it is written.
func (s *dirSink) write(p string, r io.Reader, e *Entry, hint int64) error {
	if err := s.countFile(); err != nil {
		return err
	}
	if p == "." {
		return s.refuse(p, "file name is the chunk root")
	}
	if err := s.parents(p); err != nil {
		return err
	}
	s.free(p)
	s.mu.Lock()
	if g := s.grows[p]; g != nil {
		g.decide(false, false) // written again: that scan saw other bytes
		delete(s.grows, p)
	}
	s.mu.Unlock()
	const flag = os.O_WRONLY | os.O_CREATE | os.O_EXCL | extractors.NoPoll
	var f *os.File
	var err error
	if dir, base := s.handleFor(p); dir != nil {
		f, err = dir.OpenFile(base, flag, 0o644)
	}
	if f == nil {
		// Again by the full path: the same outcome, and the same error text.
		if f, err = s.root.OpenFile(p, flag, 0o644); err != nil {
			return s.refuse(p, err.Error())
		}
	}
	h := sha256.New()
	w := &budgetWriter{s: s, w: io.MultiWriter(f, h)}
	// A file's magic scan rides along, so the next round reads back only the
	// files in which a handler's magic was seen, and scans them from the
	// watch's list of candidates (a blob is always read back and scanned).
	watch := &magicWatch{hit: e.Type != TypeFile}
	if !watch.hit {
		watch.s, watch.tail = s.sig, make([]byte, 0, 2*s.sig.maxLen)
		w.w = io.MultiWriter(f, h, watch)
	}
	var g *growing
	if s.grow != nil && hint >= minGrow && hint <= s.b.limits.FileBytes {
		if rf, err := s.root.OpenFile(p, os.O_RDONLY|extractors.NoPoll, 0); err == nil {
			g = newGrowing(rf, hint)
			s.mu.Lock()
			if s.grows == nil {
				s.grows = map[string]*growing{}
			}
			s.grows[p] = g
			s.mu.Unlock()
			w.w = io.MultiWriter(w.w, g) // after the file: g tells what is on disk
			s.grow(p, g)
		}
	}
	buf := copyBufs.Get().(*[]byte)
	_, cerr := io.CopyBuffer(w, r, *buf)
	copyBufs.Put(buf)
	if g != nil {
		g.finish(cerr)
	}
	if err := f.Close(); cerr == nil {
		cerr = err
	}
	e.Size = w.n
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	if _, again := s.magic[p]; !again {
		s.blobs = append(s.blobs, p)
	}
	// A failed write may have put bytes on disk the watch did not see.
	s.magic[p] = watch.hit || cerr != nil
	s.nCands -= len(s.cands[p])
	delete(s.cands, p)
	if l := watch.list(); l != nil && cerr == nil && s.nCands+len(l) <= maxSinkCands {
		s.cands[p] = l
		s.nCands += len(l)
	}
	s.mu.Unlock()
	return cerr
}

// handleFor splits p into its folder's handle (nil when none) and its name.
func (s *dirSink) handleFor(p string) (*os.Root, string) {
	d, base := path.Dir(p), path.Base(p)
	return s.handle(d), base
}

// minGrow is the smallest blob worth scanning while it is written (a
// variable for the tests).
var minGrow int64 = 1 << 20

// settle gives the verdict "wrong guess, no new scan" to every blob scan
// still waiting for one: the chunk that wrote them ended without judging.
func (s *dirSink) settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.grows {
		g.decide(false, false)
	}
}

// refund gives back what a discarded scan counted against the image's budget.
func (s *dirSink) refund() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.files.Add(-s.counted)
	s.b.bytes.Add(-s.spent)
	s.counted, s.spent = 0, 0
}

// maxSinkCands bounds the candidates a sink keeps for its files' scans (16
// bytes each); files past it are read back and scanned.
const maxSinkCands = 1 << 16

// copyBufs saves io.Copy's 32 KiB allocation per file: an image of 100k
// small files otherwise churns gigabytes through the collector.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

type budgetWriter struct {
	s *dirSink
	w io.Writer
	n int64
}

// Write writes what fits in every budget: a write that passes one writes
// its bytes up to the budget first and then reports it, so that a blob cut
// by a budget ends at the same byte whatever the sizes of its writes.
func (bw *budgetWriter) Write(p []byte) (int, error) {
	s := bw.s
	if err := s.check(); err != nil {
		return 0, err
	}
	l := s.b.limits
	var stop error
	if room := l.FileBytes - bw.n; int64(len(p)) > room {
		p, stop = p[:max(room, 0)], s.hit("file-bytes", l.FileBytes)
	}
	if over := s.b.bytes.Add(int64(len(p))) - l.TotalBytes; over > 0 {
		over = min(over, int64(len(p)))
		s.b.bytes.Add(-over)
		p, stop = p[:int64(len(p))-over], s.hit("bytes", l.TotalBytes)
	}
	s.mu.Lock()
	if s.inSize > 0 {
		// The ratio binds once the output passes both its floor and its
		// multiple of the input.
		if room := max(l.RatioFloor, int64(l.Ratio*float64(s.inSize))) - s.out; int64(len(p)) > room {
			s.b.bytes.Add(-(int64(len(p)) - max(room, 0)))
			p, stop = p[:max(room, 0)], s.hitLocked("ratio", int64(l.Ratio))
		}
	}
	s.spent += int64(len(p))
	s.out += int64(len(p))
	s.mu.Unlock()
	n, err := bw.w.Write(p)
	bw.n += int64(n)
	if err == nil {
		err = stop
	}
	return n, err
}

func (s *dirSink) Hardlink(name, target string) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	t, err := s.clean(target)
	if err != nil {
		return err
	}
	if err := s.countFile(); err != nil {
		return err
	}
	s.mu.Lock()
	te := s.rec[t]
	s.mu.Unlock()
	if te == nil || (te.Type != TypeFile && te.Type != TypeHardlink) {
		return s.refuse(name, fmt.Sprintf("hard link to %q, which is not a file of this chunk", target))
	}
	if err := s.parents(p); err != nil {
		return err
	}
	s.free(p)
	if err := s.root.Link(t, p); err != nil {
		return s.refuse(name, err.Error())
	}
	e := *te
	e.Path, e.Type, e.Target = p, TypeHardlink, t
	if te.Type == TypeHardlink {
		e.Target = te.Target
	}
	s.add(&e)
	return nil
}

func (s *dirSink) Symlink(name, target string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	if strings.IndexByte(target, 0) >= 0 || target == "" {
		return s.refuse(name, "bad symlink target")
	}
	if err := s.countFile(); err != nil {
		return err
	}
	if err := s.parents(p); err != nil {
		return err
	}
	s.free(p)
	// The link is stored as the image has it; os.Root never follows it out of
	// the root, and analyzers resolve links inside the image, never on the host.
	if dir, base := s.handleFor(p); dir == nil || dir.Symlink(target, base) != nil {
		if err := s.root.Symlink(target, p); err != nil {
			return s.refuse(name, err.Error())
		}
	}
	e := entry(p, TypeSymlink, m)
	e.Target = target
	s.add(e)
	return nil
}

func (s *dirSink) Special(name string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	if err := s.countFile(); err != nil {
		return err
	}
	typ := TypeFifo
	switch {
	case m.Mode&fs.ModeCharDevice != 0:
		typ = TypeChar
	case m.Mode&fs.ModeDevice != 0:
		typ = TypeBlock
	case m.Mode&fs.ModeSocket != 0:
		typ = TypeSocket
	}
	e := entry(p, typ, m)
	e.Major, e.Minor = m.Major, m.Minor
	s.add(e)
	return nil
}

func (s *dirSink) Note(key, value string) {
	s.mu.Lock()
	if s.attrs == nil {
		s.attrs = map[string]string{}
	}
	s.attrs[key] = value
	s.mu.Unlock()
}
