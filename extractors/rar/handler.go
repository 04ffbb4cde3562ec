// Package rar reads RAR archives (RAR 1.5–4.x and RAR 5.0), which vendors ship
// update bundles and recovery kits in. Decoding is github.com/nwaples/rardecode
// (served, maintained; LZSS, PPMd, the RAR 3 VM filters, RAR 5). This
// package walks the block chain itself (header.go) to size the chunk exactly
// and to tell a truncated archive from a complete one, bounds what the library
// sees to that chunk, caps its dictionary, and reports encrypted entries
// without trying passwords.
package rar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/nwaples/rardecode/v2"

	"github.com/fwstar/fwstar/extractors"
)

// Handler handles RAR archives of both formats.
type Handler struct{}

func (Handler) Name() string { return "rar" }

func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: sig4}, {Bytes: sig5}}
}

// maxDict caps the decoder's window, which rardecode allocates whole from the
// header's dictionary size (up to 64 GB): RAR 4 uses at most 4 MB and rar's
// default for RAR 5 is 32 MB. An entry needing more ends the extraction with
// a FormatError (the library cannot go on past it).
var maxDict int64 = extractors.MaxAlloc

// Identify checks the main header's CRC and follows the block chain to the
// end-of-archive block; an archive without one ends after its last valid block.
func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	a, err := walk(r, off, size, 0)
	if err != nil {
		return extractors.Chunk{}, err
	}
	c := extractors.Chunk{Start: off, End: a.end, Confidence: extractors.High, Info: a.info(),
		Attrs: map[string]string{"rar.version": fmt.Sprint(a.version)}}
	if !a.endBlock && !a.encHeaders {
		c.Confidence = extractors.Medium
	}
	if a.volume {
		c.Attrs["rar.volume"] = fmt.Sprint(a.volNum + 1)
	}
	if !a.complete && !a.encHeaders {
		// Extract sees only the chunk, so it learns the cut from here.
		c.Attrs["rar.truncated"] = a.stop
	}
	return c, nil
}

// notes gathers the entries of one kind for a single Note at the end.
type notes struct {
	names []string
	n     int
}

func (l *notes) add(name string) {
	if l.n++; len(l.names) < 20 {
		l.names = append(l.names, name)
	}
}

func (l *notes) note(dst extractors.Sink, key string) {
	if l.n == 0 {
		return
	}
	s := strings.Join(l.names, ", ")
	if l.n > len(l.names) {
		s += fmt.Sprintf(" and %d more", l.n-len(l.names))
	}
	dst.Note(key, s)
}

// parallelMin is the size from which a non-solid archive is decoded in two
// halves at once.
var parallelMin int64 = 1 << 20

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	a, err := walk(r, c.Start, c.End, c.Start+(c.End-c.Start)/2)
	if err != nil {
		return c.Start, extractors.Wrap("rar", c.Start, err, "main header")
	}
	if a.encHeaders {
		dst.Note("rar.encrypted", "headers")
		return c.End, nil
	}
	if a.volume {
		dst.Note("rar.volume", fmt.Sprint(a.volNum+1))
		if a.volNum > 0 {
			// rardecode reads a set only from its first volume on, and
			// only with every volume at hand as a file.
			dst.Note("rar.unsupported", "a later volume of a multi-volume set")
			return c.End, nil
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	x := &extraction{ctx: ctx, cancel: cancel, dst: dst, a: a, start: c.Start}
	if a.solid || a.volume || a.mid == 0 || a.before == 0 || c.End-c.Start < parallelMin {
		x.run(io.NewSectionReader(r, c.Start, c.End-c.Start), -1)
	} else {
		// Files of a non-solid archive decode independently: each half is
		// read as an archive of its own, the main header followed by its
		// run of blocks. Hard links into the other half are retried after.
		head := func() io.Reader { return io.NewSectionReader(r, c.Start, a.body-c.Start) }
		x.deferLinks = true
		var wg sync.WaitGroup
		wg.Go(func() { x.run(io.MultiReader(head(), io.NewSectionReader(r, a.body, a.mid-a.body)), a.before) })
		x.run(io.MultiReader(head(), io.NewSectionReader(r, a.mid, c.End-a.mid)), -1)
		wg.Wait()
		for _, l := range x.links {
			if x.fatal == nil {
				x.record(l[0], dst.Hardlink(l[0], l[1]))
			}
		}
	}
	dst.Note("rar.entries", fmt.Sprint(x.entries))
	x.encrypted.note(dst, "rar.encrypted")
	x.unsafe.note(dst, "rar.unsafe-names")
	x.split.note(dst, "rar.split")
	if x.fatal != nil {
		return c.End, x.fatal
	}
	if cut := c.Attrs["rar.truncated"]; x.err == nil && cut != "" {
		x.err = extractors.Errorf("rar", c.End, "no end-of-archive block: %s", cut)
	}
	return c.End, x.err
}

// extraction is the state the readers of one archive share.
type extraction struct {
	ctx    context.Context
	cancel func()
	dst    extractors.Sink
	a      *archive
	start  int64

	mu                       sync.Mutex
	entries                  int
	encrypted, unsafe, split notes
	deferLinks               bool        // two readers: a link may come before its target
	links                    [][2]string // hard links that failed, to retry
	err                      error       // the first FormatError
	fatal                    error       // a budget or the deadline: stop
}

// run writes up to n entries (all when n < 0) of the archive stream rs.
func (x *extraction) run(rs io.Reader, n int64) {
	rd, err := rardecode.NewReader(rs, rardecode.MaxDictionarySize(maxDict))
	if err != nil {
		x.record("", extractors.Wrap("rar", x.start, err, "main header"))
		return
	}
	lastSplit, prev := false, ""
	for i := int64(0); n < 0 || i < n; i++ {
		if err := x.ctx.Err(); err != nil {
			x.record("", err)
			return
		}
		var h *rardecode.FileHeader
		err := protect(func() (err error) { h, err = rd.Next(); return err })
		switch {
		case err == io.EOF:
			return
		case errors.Is(err, rardecode.ErrMultiVolume) || (err != nil && x.a.moreVols && lastSplit):
			return // the archive goes on in the next volume
		case err != nil:
			// The library drops its state on any error of Next (an entry
			// whose dictionary is over maxDict included): nothing after it
			// can be read. Past the last block of an archive without an
			// end block, the walk's verdict stands instead.
			if x.a.endBlock {
				x.record("", extractors.Wrap("rar", x.start, err, "entry after %q", prev))
			}
			return
		}
		prev = h.Name
		x.mu.Lock()
		x.entries++
		if isUnsafe(h.Name) {
			x.unsafe.add(h.Name)
		}
		enc := h.Encrypted && (h.LinkType == rardecode.LinkTypeNone || h.HeaderEncrypted)
		if enc {
			// A RAR 5 link's target is in its header, readable still.
			x.encrypted.add(h.Name)
		}
		x.mu.Unlock()
		if enc {
			continue
		}
		err = protect(func() error { return writeEntry(x.ctx, h, rd, x.dst) })
		lastSplit = errors.Is(err, rardecode.ErrMultiVolume)
		var pe *extractors.PathError
		if x.deferLinks && errors.As(err, &pe) && (h.LinkType == rardecode.LinkTypeHardLink || h.LinkType == rardecode.LinkTypeFileCopy) {
			x.mu.Lock()
			x.links = append(x.links, [2]string{h.Name, h.LinkTarget})
			x.mu.Unlock()
			continue
		}
		if x.record(h.Name, err) {
			return
		}
	}
}

// record files the error of entry name; it says whether to stop.
func (x *extraction) record(name string, err error) (stop bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var le *extractors.LimitError
	var fe *extractors.FormatError
	switch {
	case err == nil:
	case errors.As(err, &le) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		if x.fatal == nil {
			x.fatal = err
		}
		x.cancel()
		return true
	case errors.Is(err, rardecode.ErrMultiVolume):
		x.split.add(name)
	case extractors.IsFatal(err):
		if !errors.As(err, &fe) {
			err = extractors.Wrap("rar", x.start, err, "%s", name)
		}
		if x.err == nil {
			x.err = err
		}
	}
	return false
}

// isUnsafe tells names that would land outside the extraction root.
func isUnsafe(name string) bool {
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return true
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// protect turns a panic of the library on corrupt input into an error.
func protect(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &extractors.FormatError{Format: "rar", Msg: fmt.Sprintf("decoder panic: %v", p)}
		}
	}()
	return f()
}

// writeEntry writes the entry h whose data rd now reads.
func writeEntry(ctx context.Context, h *rardecode.FileHeader, rd io.Reader, dst extractors.Sink) error {
	mode := h.Mode()
	m := extractors.Meta{Mode: mode, MTime: h.ModificationTime.UTC()}
	if h.UnixOwnerUserID != nil && h.UnixOwnerGroupID != nil {
		m.UID, m.GID = int64(*h.UnixOwnerUserID), int64(*h.UnixOwnerGroupID)
	}
	name := h.Name
	switch {
	case h.IsDir:
		return dst.Dir(name, m)
	case h.LinkType == rardecode.LinkTypeHardLink, h.LinkType == rardecode.LinkTypeFileCopy:
		// A copy (rar -oi) has the contents of an earlier entry: a hard
		// link says as much without writing them twice.
		return dst.Hardlink(name, h.LinkTarget)
	case h.LinkType != rardecode.LinkTypeNone:
		return dst.Symlink(name, h.LinkTarget, m)
	case mode&fs.ModeSymlink != 0:
		// RAR 4 stores a Unix link's target as its data.
		target, err := io.ReadAll(io.LimitReader(rd, 4096))
		if err != nil {
			return err
		}
		return dst.Symlink(name, string(target), m)
	}
	return dst.File(name, m, &ctxReader{ctx, rd, h.Name})
}

// ctxReader stops a long file at the deadline and turns the library's read
// errors (corrupt data, bad checksum) into FormatErrors naming the entry.
type ctxReader struct {
	ctx  context.Context
	r    io.Reader
	name string
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, rardecode.ErrMultiVolume) {
		err = extractors.Wrap("rar", 0, err, "%s", c.name)
	}
	return n, err
}
