// Package engine runs the format handlers over a firmware image: one signature
// pass per blob, exact chunks, recursion into every file and nested blob, all
// writes through a confined sink, budgets per image, and a manifest of layers.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/layer"
)

// Engine unpacks images with a fixed set of handlers. It is safe for
// concurrent use; each Extract call has its own budgets.
type Engine struct {
	handlers []extractors.Handler
	byName   map[string]int
	sig      func() *signatures // built on first use: the CLI makes an engine per command and runs one
	Limits   Limits
	Workers  int // blobs scanned at once; 0 means GOMAXPROCS
}

// New returns an engine over handlers, in priority order.
func New(handlers []extractors.Handler, limits Limits) *Engine {
	e := &Engine{handlers: handlers, byName: map[string]int{}, Limits: limits}
	e.sig = sync.OnceValue(func() *signatures { return newSignatures(handlers) })
	for i, h := range handlers {
		if _, dup := e.byName[h.Name()]; dup {
			panic("engine: handler registered twice: " + h.Name())
		}
		e.byName[h.Name()] = i
	}
	return e
}

// job is one blob to scan: the input image, a nested blob or an extracted file.
type job struct {
	disk  string
	layer *layer.Layer
	blob  bool        // report unclaimed bytes even when no chunk is found
	cands []candidate // all of the file's candidates, when the sink's watch kept them
	grow  *growing    // a blob still being written: scanned as it grows, kept if its size was guessed right
	early *early      // a file scanned while its chunk is still unpacked: kept if it is its name's last write
}

type run struct {
	e      *Engine
	ctx    context.Context
	out    string
	budget *budget

	mu       sync.Mutex
	cond     *sync.Cond
	jobs     []job
	active   int
	chunks   []*Chunk
	problems []Problem
	spare    chan struct{} // a token per part that may be unpacked beside the workers
}

// Extract unpacks the image at input into the folder out (created if needed)
// and returns the manifest. It fails only when the input cannot be read; every
// other problem is recorded in the manifest.
func (e *Engine) Extract(ctx context.Context, input, out string) (*Manifest, error) {
	f, err := os.Open(input)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// A regular file's hash is taken while the workers unpack it; anything
	// else must first prove readable.
	h := sha256.New()
	var size int64
	hashed := make(chan error, 1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		go func() {
			var err error
			size, err = io.Copy(h, f)
			hashed <- err
		}()
	} else {
		if size, err = io.Copy(h, f); err != nil {
			return nil, err
		}
		hashed <- nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		<-hashed
		return nil, err
	}
	if e.Limits.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.Limits.Timeout)
		defer cancel()
	}
	workers := e.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	r := &run{e: e, ctx: ctx, out: out, budget: &budget{limits: e.Limits}, spare: make(chan struct{}, workers-1)}
	r.cond = sync.NewCond(&r.mu)
	name := filepath.Base(input)
	r.jobs = []job{{disk: input, layer: layer.Root(name), blob: true}}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker()
		}()
	}
	wg.Wait()
	if err := <-hashed; err != nil {
		return nil, err
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		r.problems = append(r.problems, Problem{Kind: "limit", Path: name,
			Detail: fmt.Sprintf("budget \"timeout\" exceeded (%s): what was not reached is reported as unknown", e.Limits.Timeout)})
	}
	slices.SortFunc(r.chunks, func(a, b *Chunk) int { return strings.Compare(a.Layer, b.Layer) }) // layers are unique
	sort.Slice(r.problems, func(i, j int) bool { return r.problems[i].Path < r.problems[j].Path })
	return &Manifest{
		Version: ManifestVersion, Input: name, Size: size, SHA256: hex.EncodeToString(h.Sum(nil)),
		Chunks: r.chunks, Problems: r.problems, Limits: e.Limits,
	}, nil
}

func (r *run) worker() {
	for {
		r.mu.Lock()
		for len(r.jobs) == 0 && r.active > 0 {
			r.cond.Wait()
		}
		if len(r.jobs) == 0 {
			r.mu.Unlock()
			r.cond.Broadcast()
			return
		}
		j := r.jobs[len(r.jobs)-1]
		r.jobs = r.jobs[:len(r.jobs)-1]
		r.active++
		r.mu.Unlock()

		if r.ctx.Err() == nil {
			r.scanBlob(j)
		} else if j.grow != nil {
			j.grow.close()
		}

		r.mu.Lock()
		r.active--
		r.mu.Unlock()
		r.cond.Broadcast()
	}
}

// partAside, when set (by tests), is told each part unpacked beside the workers.
var partAside func(at string)

// spareCore takes a token for a part to unpack beside the workers, if any is left.
func (r *run) spareCore() bool {
	select {
	case r.spare <- struct{}{}:
		return true
	default:
		return false
	}
}

func (r *run) push(js ...job) {
	r.mu.Lock()
	r.jobs = append(r.jobs, js...)
	r.mu.Unlock()
	r.cond.Broadcast()
}

func (r *run) problem(p Problem) {
	r.mu.Lock()
	r.problems = append(r.problems, p)
	r.mu.Unlock()
}

// growVerdict, when set (by tests), is told every verdict on a blob scanned
// as it grew.
var growVerdict func(layer string, kept bool)

// output takes what one blob's scan finds. A blob scanned while it is still
// being written holds it all back until the blob is done: only when its size
// was guessed right is it what a scan of the finished blob gives.
type output struct {
	r        *run
	held     bool
	chunks   []*Chunk
	problems []Problem
	jobs     []job
	sinks    []*dirSink
	late     bool // a handler ran out of time: it started before its input was there
}

func (o *output) problem(p Problem) {
	if o.held {
		o.problems = append(o.problems, p)
		return
	}
	o.r.problem(p)
}

func (o *output) chunk(cs ...*Chunk) {
	if o.held {
		o.chunks = append(o.chunks, cs...)
		return
	}
	o.r.mu.Lock()
	o.r.chunks = append(o.r.chunks, cs...)
	o.r.mu.Unlock()
}

func (o *output) push(js ...job) {
	if o.held {
		o.jobs = append(o.jobs, js...)
		return
	}
	o.r.push(js...)
}

// settle waits for the verdict on a blob scanned as it grew: kept, what was
// held back goes out; wrong, what was written is removed, its budget given
// back, and the finished blob is scanned the usual way if it is still one.
// The usual scan starts only now, as it writes to the same folders.
func (o *output) settle(j job) {
	g := j.grow
	valid, rescan := g.wait()
	g.close()
	if valid && o.late {
		valid, rescan = false, true
	}
	if growVerdict != nil {
		growVerdict(j.layer.String(), valid)
	}
	if valid {
		o.publish()
		return
	}
	o.discard()
	if rescan {
		j.grow = nil
		o.r.push(j)
	}
}

// publish hands what a held scan found to the run.
func (o *output) publish() {
	r := o.r
	r.mu.Lock()
	r.chunks = append(r.chunks, o.chunks...)
	r.problems = append(r.problems, o.problems...)
	r.mu.Unlock()
	r.push(o.jobs...)
}

// discard removes what a held scan wrote and gives its budget back.
func (o *output) discard() {
	for _, s := range o.sinks {
		s.refund()
	}
	for _, c := range o.chunks {
		if c.Dir != "" {
			os.RemoveAll(filepath.Join(o.r.out, c.Dir))
		}
	}
}

// minScan is the smallest file worth a signature pass.
const minScan = 32

func (r *run) scanBlob(j job) {
	o := &output{r: r, held: j.grow != nil || j.early != nil}
	var f io.ReaderAt
	var size int64
	if j.grow != nil {
		defer o.settle(j)
		f, size = j.grow, j.grow.size
	} else {
		if j.early != nil {
			defer j.early.scanned(o)
		}
		file, err := os.OpenFile(j.disk, os.O_RDONLY|extractors.NoPoll, 0)
		if err != nil {
			o.problem(Problem{Kind: "error", Path: j.layer.String(), Detail: err.Error()})
			return
		}
		defer file.Close()
		fi, err := file.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			return
		}
		f, size = file, fi.Size()
	}
	if size < minScan && !j.blob {
		return
	}
	e := r.e
	var cands *cursor
	if j.cands != nil {
		cands = e.sig().listed(f, size, j.cands)
	} else {
		cands = e.sig().cursor(f, size)
	}
	p := &part{r: r, j: j, o: o, f: f, size: size, cands: cands, pages: &pageReader{r: f},
		hintNames: map[int64]string{}, hintEnds: map[int64]int64{}}
	p.scan(0)
	if len(p.found) == 0 && !j.blob {
		return
	}
	sort.Slice(p.found, func(a, b int) bool { return p.found[a].Offset < p.found[b].Offset })
	o.gaps(j, f, size, p.found, p.hintNames)
	o.chunk(p.found...)
}

// part is a stretch of a blob scanned on its own: the whole blob, or a part
// whose length its header gives, which ends there for whatever lies in it.
// Such parts (an OpenWrt image's kernel and root file system) are unpacked
// concurrently while a core is spare.
type part struct {
	r         *run
	j         job
	o         *output
	f         io.ReaderAt // the blob, ending at size
	size      int64
	cands     *cursor
	pages     *pageReader
	hintNames map[int64]string
	hintEnds  map[int64]int64 // a part's end, when its header gives its length
	found     []*Chunk
}

// scan identifies and extracts the part's chunks from pos on; nested parts
// are waited for and their chunks and hint names merged.
func (p *part) scan(pos int64) {
	defer p.pages.release()
	r, e := p.r, p.r.e
	var wg sync.WaitGroup
	var subs []*part
	for {
		if r.ctx.Err() != nil {
			break // the rest of the blob shows as unknown
		}
		c, more := p.cands.next()
		if !more {
			break
		}
		if c.start < pos {
			continue
		}
		if b, ok := p.hintEnds[c.start]; ok && b < p.size {
			sub := p.sub(c, b)
			subs = append(subs, sub)
			pos = b
			// A held output is not safe for concurrent use.
			if !p.o.held && r.spareCore() {
				if partAside != nil {
					partAside(fmt.Sprintf("%s@0x%X", p.j.layer, c.start))
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					sub.scan(c.start)
					<-r.spare
				}()
			} else {
				sub.scan(c.start)
			}
			continue
		}
		h := e.handlers[c.h]
		ch, err := identify(h, p.pages, c.start, p.size)
		if err != nil {
			if !errors.Is(err, extractors.ErrNotFormat) {
				p.o.problem(Problem{Kind: "error", Path: fmt.Sprintf("%s@0x%X:%s", p.j.layer, c.start, h.Name()), Detail: err.Error()})
			}
			continue
		}
		if ch.Start != c.start || (ch.End != -1 && (ch.End <= ch.Start || ch.End > p.size)) {
			p.o.problem(Problem{Kind: "error", Path: p.j.layer.String(), Detail: fmt.Sprintf("handler %s returned a bad chunk [%d,%d) at 0x%X", h.Name(), ch.Start, ch.End, c.start)})
			continue
		}
		rec, end, ok := r.extract(p.j, p.o, h, p.f, p.size, ch)
		if !ok {
			continue
		}
		if name, ok := p.hintNames[ch.Start]; ok {
			rec.Hint = name
		}
		p.found = append(p.found, rec)
		pos = end
		p.cands.skipTo(pos)
		for _, hint := range ch.Hints {
			if hint.Offset < pos || hint.Offset >= p.size {
				continue
			}
			if hint.Name != "" {
				p.hintNames[hint.Offset] = hint.Name
			}
			if hint.Size > 0 && hint.Offset+hint.Size < p.size {
				p.hintEnds[hint.Offset] = hint.Offset + hint.Size
			}
			// A named format is tried even without its magic (lzma-alone has
			// none worth the name). Otherwise the handlers whose magic is
			// there come first; only when none is, every handler is asked,
			// since the header says something starts here (DD-WRT's kernel is
			// LZMA with properties no magic list covers).
			if i, ok := e.byName[hint.Format]; ok {
				p.cands.hint(candidate{start: hint.Offset, h: i})
			} else if hs := e.sig().at(p.f, hint.Offset, p.size, e.handlers); len(hs) > 0 {
				for _, i := range hs {
					p.cands.hint(candidate{start: hint.Offset, h: i})
				}
			} else {
				for i := range e.handlers {
					p.cands.hint(candidate{start: hint.Offset, h: i})
				}
			}
		}
	}
	wg.Wait()
	for _, sub := range subs {
		p.found = append(p.found, sub.found...)
		for off, name := range sub.hintNames {
			p.hintNames[off] = name
		}
	}
}

// sub is the part [c.start, end) of p, with the candidates in that range
// (c again among them) and the name its header gave it.
func (p *part) sub(c candidate, end int64) *part {
	f := io.NewSectionReader(p.f, 0, end)
	q := &part{r: p.r, j: p.j, o: p.o, f: f, size: end, cands: p.cands.split(c, end, f), pages: &pageReader{r: f},
		hintNames: map[int64]string{}, hintEnds: map[int64]int64{}}
	if name, ok := p.hintNames[c.start]; ok {
		q.hintNames[c.start] = name
	}
	return q
}

// extract runs one handler on an identified chunk. ok is false when the chunk
// turned out not to be one after all (a stream that does not decode).
func (r *run) extract(j job, o *output, h extractors.Handler, f io.ReaderAt, size int64, ch extractors.Chunk) (rec *Chunk, end int64, ok bool) {
	l := j.layer.Chunk(ch.Start, h.Name())
	rec = &Chunk{
		Layer: l.String(), Parent: j.layer.String(), Kind: KindKnown, Format: h.Name(),
		Offset: ch.Start, Confidence: ch.Confidence.String(), Info: ch.Info, Attrs: ch.Attrs,
	}
	end = ch.End
	if l.Depth() > r.e.Limits.Depth {
		rec.Limit, rec.Error = "depth", fmt.Sprintf("nesting deeper than %d; not extracted", r.e.Limits.Depth)
		if end < 0 {
			end = ch.Start + 1 // only decoding could tell where it ends
		}
		rec.Size = end - ch.Start
		return rec, end, true
	}
	if lim := r.budget.spent(); lim != nil {
		// Nothing more may be written for this image: say so instead of
		// opening a sink per candidate (a tar of 200k entries would try each).
		rec.Limit, rec.Error = lim.Limit, lim.Error()+"; not extracted"
		if end < 0 {
			return nil, 0, false
		}
		rec.Size = end - ch.Start
		return rec, end, true
	}
	rec.Dir = chunkDir(l)
	inSize := size - ch.Start
	if ch.End > 0 {
		inSize = ch.End - ch.Start
	}
	ctx, cancel := context.WithTimeout(r.ctx, r.e.Limits.HandlerTimeout)
	defer cancel()
	var emu sync.Mutex
	var earlies map[string]*early // per path: the scan of its first write, if taken early
	sink, err := newDirSink(ctx, filepath.Join(r.out, rec.Dir), r.budget, inSize, r.e.sig())
	if err != nil {
		rec.Error = err.Error()
		return rec, max(end, ch.Start+1), true
	}
	if o.held {
		o.sinks = append(o.sinks, sink)
	} else {
		// A blob whose size the handler can tell before its end is scanned
		// while it is written, on another worker (a gzip'd cpio is unpacked
		// as it is decompressed).
		sink.grow = func(p string, g *growing) {
			g.name = filepath.Join(r.out, rec.Dir, filepath.FromSlash(p))
			r.push(job{disk: g.name, layer: l.File(p), blob: true, grow: g})
		}
		// A file in which a magic was seen is scanned as soon as it is
		// written, beside the handler, unless its name was written before.
		earlies = map[string]*early{}
		sink.early = func(p string, e *Entry, cands []candidate) {
			emu.Lock()
			defer emu.Unlock()
			if _, again := earlies[p]; again {
				return
			}
			x := &early{entry: e}
			earlies[p] = x
			r.push(job{disk: filepath.Join(r.out, rec.Dir, filepath.FromSlash(p)), layer: l.File(p), cands: cands, early: x})
		}
	}
	defer sink.settle() // a blob scanned as it grew and not judged below was not right
	xend, xerr := safeExtract(ctx, h, f, ch, sink)
	sink.close()
	if o.held && r.ctx.Err() == nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		o.late = true // its own time ran out, not the image's
	}
	switch {
	case end < 0 && xend > ch.Start && xend <= size:
		end = xend
	case end < 0:
		// A stream that never decoded is not a chunk; drop what it left.
		if len(sink.rec) == 0 {
			os.RemoveAll(filepath.Join(r.out, rec.Dir))
			return nil, 0, false
		}
		// It stopped (corrupt, or a budget) before its end was known: keep
		// what it gave and scan on right after its start, so that nothing
		// behind it is lost; its undecoded bytes show as unknown.
		end = ch.Start + 1
		rec.Info += " (end unknown: the stream stopped early)"
	}
	rec.Size = end - ch.Start
	if xerr != nil {
		rec.Error = xerr.Error()
		var le *extractors.LimitError
		if errors.As(xerr, &le) {
			rec.Limit = le.Limit
		}
	}
	if sink.limitHit != nil {
		rec.Limit = sink.limitHit.Limit
		if rec.Error == "" {
			rec.Error = sink.limitHit.Error()
		}
	}
	for k, v := range sink.attrs {
		if rec.Attrs == nil {
			rec.Attrs = map[string]string{}
		}
		rec.Attrs[k] = v
	}
	rec.Problems = sink.problems
	for _, e := range sink.rec {
		rec.Entries = append(rec.Entries, e)
	}
	// Paths are unique (the sink keys its records by path); SortFunc spares
	// sort.Slice's reflection on the thousands of entries of a file system.
	slices.SortFunc(rec.Entries, func(a, b *Entry) int { return strings.Compare(a.Path, b.Path) })
	var next []job
	for _, p := range sink.blobs {
		// A blob is always scanned (its unclaimed bytes are reported); a file
		// only when a magic was seen in it, since without one the scan finds
		// nothing; a name since replaced by a link or a node is not read.
		e := sink.rec[p]
		want := e != nil && (e.Type == TypeBlob || e.Type == TypeFile && sink.magic[p])
		if g := sink.grows[p]; g != nil {
			g.judge(e, want) // its scan is under way, and starts again if the guess was wrong
			continue
		}
		var j *job
		if want {
			j = &job{disk: filepath.Join(r.out, rec.Dir, filepath.FromSlash(p)), layer: l.File(p), blob: e.Type == TypeBlob, cands: sink.cands[p]}
		}
		if x := earlies[p]; x != nil {
			// The early scan stands if it saw the name's last write;
			// otherwise the usual one follows once it is cleaned up.
			if want && e == x.entry {
				x.judge(true, nil)
			} else {
				x.judge(false, j)
			}
			continue
		}
		if j != nil {
			next = append(next, *j)
		}
	}
	o.push(next...)
	return rec, end, true
}

// gaps records the bytes between chunks as unknown or padding.
func (o *output) gaps(j job, f io.ReaderAt, size int64, found []*Chunk, hints map[int64]string) {
	pos := int64(0)
	add := func(from, to int64) {
		for _, g := range regions(f, from, to) {
			kind := KindUnknown
			if g.padding {
				kind = KindPadding
			}
			o.chunk(&Chunk{Layer: j.layer.Chunk(g.from, kind).String(), Parent: j.layer.String(), Kind: kind,
				Offset: g.from, Size: g.to - g.from, Entropy: round3(g.entropy), Hint: hints[g.from]})
		}
	}
	for _, c := range found {
		add(pos, c.Offset)
		pos = max(pos, c.Offset+c.Size)
	}
	add(pos, size)
}

func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

// chunkDir names a chunk's output folder: flat under the output root, readable,
// and unique through a short hash of the full layer path.
func chunkDir(l *layer.Layer) string {
	sum := sha256.Sum256([]byte(l.String()))
	base := l.Parent.Path
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	base = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return '_'
		}
		return r
	}, base)
	if len(base) > 40 {
		base = base[:40]
	}
	return fmt.Sprintf("%s@0x%X.%s-%s", base, l.Offset, l.Format, hex.EncodeToString(sum[:4]))
}

func identify(h extractors.Handler, r io.ReaderAt, off, size int64) (c extractors.Chunk, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("BUG: %s identify panicked at 0x%X: %v\n%s", h.Name(), off, p, firstLines(debug.Stack(), 12))
		}
	}()
	return h.Identify(r, off, size)
}

func safeExtract(ctx context.Context, h extractors.Handler, r io.ReaderAt, c extractors.Chunk, s extractors.Sink) (end int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("BUG: %s extract panicked at 0x%X: %v\n%s", h.Name(), c.Start, p, firstLines(debug.Stack(), 12))
		}
	}()
	start := time.Now()
	end, err = h.Extract(ctx, r, c, s)
	if err == nil && ctx.Err() != nil {
		err = fmt.Errorf("%s: stopped after %s: %w", h.Name(), time.Since(start).Round(time.Millisecond), ctx.Err())
	}
	return end, err
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}
