package iso9660

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Handler extracts ISO 9660 images.
type Handler struct{}

func (Handler) Name() string { return "iso9660" }

// Magics: the standard identifier of the first volume descriptor, one byte
// into sector 16.
func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("CD001"), Offset: vdStart + 1}}
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	v, err := readVolume(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	full := off + v.blocks*v.blockSize
	info := fmt.Sprintf("ISO 9660, %d blocks of %d bytes", v.blocks, v.blockSize)
	if v.id != "" {
		info += ", volume " + v.id
	}
	attrs := map[string]string{"iso9660.volume": v.id, "iso9660.joliet": fmt.Sprint(v.joliet != nil),
		"iso9660.boot": fmt.Sprint(v.boot)}
	if full > size {
		info += fmt.Sprintf(", truncated (%d of %d bytes)", size-off, full-off)
		attrs["iso9660.truncated"] = "true"
	}
	return extractors.Chunk{Start: off, End: min(full, size), Confidence: extractors.High, Info: info, Attrs: attrs}, nil
}

// image is an open volume and the tree chosen to read it by.
type image struct {
	r        io.ReaderAt
	vol      *volume
	base     int64
	limit    int64
	rr       bool // Rock Ridge entries present
	joliet   bool // names from the Joliet tree
	suspSkip int  // bytes to skip at the start of each system use area (SP)
	badNames int
	loops    int
	badRR    int
}

// entry is one file found by the walk.
type entry struct {
	path    string
	meta    extractors.Meta
	extents []record // a file's data, in order (several for multi-extent files)
	target  string
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	v, err := readVolume(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("iso9660", c.Start, err, "volume descriptors")
	}
	im := &image{r: r, vol: v, base: c.Start, limit: c.End}
	root, _ := parseRecord(v.root)
	im.detectRR(root)
	if !im.rr && v.joliet != nil {
		if jr, ok := parseRecord(v.joliet); ok && jr.flags&flagDir != 0 {
			root, im.joliet = jr, true
		}
	}
	names := "iso9660"
	switch {
	case im.rr:
		names = "rockridge"
	case im.joliet:
		names = "joliet"
	}
	dst.Note("iso9660.names", names)
	entries, err := im.walk(ctx, root)
	dst.Note("iso9660.entries", fmt.Sprint(len(entries)))
	for k, n := range map[string]int{"iso9660.bad_names": im.badNames, "iso9660.dir_loops": im.loops, "iso9660.bad_rockridge": im.badRR} {
		if n > 0 {
			dst.Note(k, fmt.Sprint(n))
		}
	}
	if werr := im.write(ctx, entries, dst); err == nil {
		err = werr
	}
	return c.End, err
}

// detectRR looks for the SUSP "SP" entry that opens the system use area of
// the root's "." record; its last byte is how much to skip in every area.
func (im *image) detectRR(root record) {
	b, err := im.readDir(root)
	if err != nil || len(b) == 0 {
		return
	}
	dot, ok := parseRecord(b)
	if !ok || len(dot.system) < 7 || string(dot.system[:2]) != "SP" || dot.system[4] != 0xBE || dot.system[5] != 0xEF {
		return
	}
	im.rr, im.suspSkip = true, int(dot.system[6])
}

// readDir reads a directory's extent.
func (im *image) readDir(d record) ([]byte, error) {
	off := im.base + d.extent*im.vol.blockSize
	b, err := extractors.ReadAt(im.r, off, int(d.size), im.limit)
	if err != nil {
		return nil, extractors.Wrap("iso9660", off, err, "directory of %d bytes", d.size)
	}
	return b, nil
}

// walk lists every entry below root, parents before children. Each
// directory extent is read once, so loops end.
func (im *image) walk(ctx context.Context, root record) ([]entry, error) {
	type dir struct {
		path string
		rec  record
	}
	var out []entry
	var firstErr error
	seen := map[int64]bool{root.extent: true}
	stack := []dir{{"", root}}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b, err := im.readDir(d.rec)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		var subdirs []dir
		var multi []record // extents of a multi-extent file so far
		for sec := 0; sec < len(b); sec += sectorSize {
			s := b[sec:min(len(b), sec+sectorSize)]
			for pos := 0; pos < len(s) && s[pos] != 0; {
				rec, ok := parseRecord(s[pos:])
				if !ok {
					if firstErr == nil {
						firstErr = extractors.Errorf("iso9660", im.base+d.rec.extent*im.vol.blockSize+int64(sec+pos), "bad directory record")
					}
					break
				}
				pos += int(s[pos])
				if len(rec.name) == 1 && rec.name[0] <= 1 { // "." and ".."
					continue
				}
				if rec.flags&flagMultiExtent != 0 && rec.flags&flagDir == 0 {
					multi = append(multi, rec)
					continue
				}
				e, sub, ok := im.entry(d.path, rec)
				if multi != nil {
					e.extents = append(multi, e.extents...)
					multi = nil
				}
				if !ok {
					continue
				}
				if sub != nil {
					if seen[sub.extent] {
						im.loops++
						continue
					}
					seen[sub.extent] = true
					subdirs = append(subdirs, dir{e.path, *sub})
				}
				out = append(out, e)
			}
		}
		for i := len(subdirs) - 1; i >= 0; i-- {
			stack = append(stack, subdirs[i])
		}
	}
	return out, firstErr
}

// entry builds the entry of one record in directory parent; sub is the
// directory to walk when it is one. ok is false for records to skip.
func (im *image) entry(parent string, rec record) (e entry, sub *record, ok bool) {
	name := isoName(rec.name, im.joliet)
	isDir := rec.flags&flagDir != 0
	// Without Rock Ridge every file reads as r-x for all, as xorriso
	// restores them.
	e.meta = extractors.Meta{Mode: 0o555, MTime: rec.mtime}
	if isDir {
		e.meta.Mode |= fs.ModeDir
	}
	if im.rr {
		rr := im.rockRidge(rec.system)
		if rr.bad {
			im.badRR++
		}
		if rr.relocated {
			return e, nil, false // shown where its CL placeholder is
		}
		if rr.hasName {
			name = rr.name.String()
		}
		if rr.hasPX {
			e.meta.Mode, e.meta.UID, e.meta.GID = extractors.UnixMode(rr.mode), rr.uid, rr.gid
		}
		if !rr.mtime.IsZero() {
			e.meta.MTime = rr.mtime
		}
		e.meta.Major, e.meta.Minor = rr.major, rr.minor
		e.target = rr.target.String()
		if rr.childLink >= 0 {
			// The directory was moved (to rr_moved): its "." record, at
			// the start of its extent, tells its size and attributes.
			b, err := extractors.ReadAt(im.r, im.base+rr.childLink*im.vol.blockSize, 255, im.limit)
			dot, okDot := record{}, false
			if err == nil {
				dot, okDot = parseRecord(b)
			}
			if !okDot || dot.extent != rr.childLink {
				im.badRR++
				return e, nil, false
			}
			isDir, rec = true, dot
			if drr := im.rockRidge(dot.system); drr.hasPX {
				e.meta.Mode, e.meta.UID, e.meta.GID = extractors.UnixMode(drr.mode), drr.uid, drr.gid
			}
			e.meta.Mode |= fs.ModeDir
		}
		if rr.hasPX && !isDir && e.meta.Mode&fs.ModeType == 0 && rr.mode&extractors.SIFMT != extractors.SIFREG {
			im.badRR++ // a type Rock Ridge has no meaning for
			return e, nil, false
		}
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		im.badNames++
		return e, nil, false
	}
	e.path = name
	if parent != "" {
		e.path = parent + "/" + name
	}
	if isDir {
		return e, &rec, true
	}
	e.extents = []record{rec}
	return e, nil, true
}

// open streams a file's extents.
func (im *image) open(e entry) (io.Reader, error) {
	rs := make([]io.Reader, 0, len(e.extents))
	for _, x := range e.extents {
		off := im.base + x.extent*im.vol.blockSize
		if x.unit != 0 {
			return nil, extractors.Errorf("iso9660", off, "%s: interleaved files are not supported", e.path)
		}
		if x.size > 0 && off+x.size > im.limit {
			return nil, extractors.Errorf("iso9660", off, "%s: %d bytes past the end", e.path, off+x.size-im.limit)
		}
		rs = append(rs, io.NewSectionReader(im.r, off, x.size))
	}
	return io.MultiReader(rs...), nil
}

// write writes the entries: directories, links and devices in walk order,
// files by a pool of workers.
func (im *image) write(ctx context.Context, entries []entry, dst extractors.Sink) error {
	w := extractors.StartWorkers(ctx, func(e entry) error {
		r, err := im.open(e)
		if err == nil {
			err = dst.File(e.path, e.meta, r)
		}
		return err
	})
	for _, e := range entries {
		if w.Context().Err() != nil {
			break
		}
		var err error
		switch m := e.meta.Mode; {
		case m.IsDir():
			err = dst.Dir(e.path, e.meta)
		case m&fs.ModeSymlink != 0:
			err = dst.Symlink(e.path, e.target, e.meta)
		case m&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
			err = dst.Special(e.path, e.meta)
		default:
			w.Submit(e)
		}
		if err != nil {
			w.Fail(err)
		}
	}
	w.Wait()
	return w.Err()
}
