package extfs

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Handler extracts ext2, ext3 and ext4 file systems.
type Handler struct{}

func (Handler) Name() string { return "ext" }

// Magics: s_magic, 56 bytes into the superblock, which starts 1024 bytes in.
func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x53, 0xEF}, Offset: superOffset + 56}}
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	s, err := readSuper(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	if s.incompat&incompatUnreadable != 0 {
		return extractors.Chunk{}, extractors.NotFormat("ext", "compression, journal device or dirdata")
	}
	// The descriptors of group 0 must be there and place group 0's inode
	// table inside the file system.
	im := newImage(r, s, off, size)
	t, err := im.inodeTable(0)
	if err != nil || t == 0 || t >= s.blocks {
		return extractors.Chunk{}, extractors.NotFormat("ext", "no inode table for group 0")
	}
	full := off + int64(s.blocks)*s.bs
	end := min(full, size)
	info := fmt.Sprintf("%s, %d-byte blocks, %d blocks, %d inodes", s.version(), s.bs, s.blocks, s.inodes)
	if s.name != "" {
		info += ", volume " + s.name
	}
	attrs := map[string]string{"ext.version": s.version(), "ext.block_size": fmt.Sprint(s.bs),
		"ext.features": s.featureNames(), "ext.volume": s.name}
	if full > size {
		info += fmt.Sprintf(", truncated (%d of %d bytes)", size-off, full-off)
		attrs["ext.truncated"] = "true"
	}
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High, Info: info, Attrs: attrs}, nil
}

// version names the generation by its features: extents and friends make
// ext4, a journal without them ext3.
func (s *super) version() string {
	switch {
	case s.incompat&(incompatExtents|incompat64Bit|0x200|incompatInlineData) != 0 || s.roCompat&^0x3 != 0:
		return "ext4"
	case s.compat&compatHasJournal != 0:
		return "ext3"
	}
	return "ext2"
}

func (s *super) featureNames() string {
	var f []string
	for _, x := range []struct {
		set  uint32
		bit  uint32
		name string
	}{
		{s.compat, compatHasJournal, "has_journal"}, {s.incompat, incompatFiletype, "filetype"},
		{s.incompat, incompatMetaBG, "meta_bg"}, {s.incompat, incompatExtents, "extent"},
		{s.incompat, incompat64Bit, "64bit"}, {s.incompat, 0x200, "flex_bg"},
		{s.incompat, incompatInlineData, "inline_data"}, {s.incompat, 0x10000, "encrypt"},
		{s.roCompat, roCompatSparseSuper, "sparse_super"}, {s.roCompat, roCompatHugeFile, "huge_file"},
		{s.roCompat, 0x200, "bigalloc"}, {s.roCompat, 0x400, "metadata_csum"},
	} {
		if x.set&x.bit != 0 {
			f = append(f, x.name)
		}
	}
	return strings.Join(f, ",")
}

// image is an open file system.
type image struct {
	r         io.ReaderAt
	sb        *super
	base      int64
	limit     int64 // reads stay below: the file system's end, or the blob's
	tables    map[uint64]uint64
	badNames  int
	badBlocks int
	loops     int
}

func newImage(r io.ReaderAt, s *super, base, size int64) *image {
	return &image{r: r, sb: s, base: base, limit: min(size, base+int64(s.blocks)*s.bs), tables: map[uint64]uint64{}}
}

func (im *image) blockOff(b uint64) int64 { return im.base + int64(b)*im.sb.bs }

// readBlock reads one metadata block (an indirect or extent tree block).
func (im *image) readBlock(b uint64) ([]byte, error) {
	if b == 0 || b >= im.sb.blocks {
		return nil, extractors.Errorf("ext", im.base, "block %d out of range", b)
	}
	buf, err := extractors.ReadAt(im.r, im.blockOff(b), int(im.sb.bs), im.limit)
	if err != nil {
		return nil, extractors.Wrap("ext", im.blockOff(b), err, "block %d", b)
	}
	return buf, nil
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	s, err := readSuper(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("ext", c.Start, err, "superblock")
	}
	im := newImage(r, s, c.Start, c.End)
	entries, err := im.walk(ctx)
	dst.Note("ext.entries", fmt.Sprint(len(entries)))
	for k, v := range map[string]int{"ext.bad_names": im.badNames, "ext.bad_dir_blocks": im.badBlocks, "ext.dir_loops": im.loops} {
		if v > 0 {
			dst.Note(k, fmt.Sprint(v))
		}
	}
	if werr := im.write(ctx, entries, dst); err == nil {
		err = werr
	}
	return c.End, err
}

// write writes the entries: directories, links and devices in walk order,
// regular files by a pool of workers (hashing and writing them is the cost),
// hard links last, once their targets exist.
func (im *image) write(ctx context.Context, entries []entry, dst extractors.Sink) error {
	w := extractors.StartWorkers(ctx, func(e entry) error {
		r, err := im.open(e.n)
		if err == nil {
			err = dst.File(e.path, e.n.meta(), r)
		}
		return err
	})
	var links []entry
	for _, e := range entries {
		if w.Context().Err() != nil {
			break
		}
		if e.link != "" {
			links = append(links, e)
			continue
		}
		m := e.n.meta()
		var err error
		switch e.n.typ() {
		case extractors.SIFDIR:
			err = dst.Dir(e.path, m)
		case extractors.SIFREG:
			w.Submit(e)
		case extractors.SIFLNK:
			var target string
			if target, err = im.symlink(e.n); err == nil {
				err = dst.Symlink(e.path, target, m)
			}
		case extractors.SIFCHR, extractors.SIFBLK:
			m.Major, m.Minor = e.n.device()
			err = dst.Special(e.path, m)
		case extractors.SIFIFO, extractors.SIFSOCK:
			err = dst.Special(e.path, m)
		default:
			err = extractors.Errorf("ext", im.base, "inode %d has no file type (mode 0%o)", e.n.ino, e.n.mode)
		}
		if err != nil {
			w.Fail(err)
		}
	}
	w.Wait()
	for _, e := range links {
		if w.Context().Err() != nil {
			break
		}
		if err := dst.Hardlink(e.path, e.link); err != nil {
			w.Fail(err)
		}
	}
	return w.Err()
}

// symlink reads a link's target: from i_block for a fast symlink, else from
// its data (a block, or inline data).
func (im *image) symlink(n *inode) (string, error) {
	const maxTarget = 4096
	if n.size > maxTarget {
		return "", extractors.Errorf("ext", im.base, "symlink inode %d of %d bytes", n.ino, n.size)
	}
	if im.fastSymlink(n) {
		return string(n.iblock[:n.size]), nil
	}
	r, err := im.open(n)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(r)
	return string(b), err
}
