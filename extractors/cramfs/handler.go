package cramfs

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"

	"github.com/fwstar/fwstar/extractors"
)

// Handler extracts cramfs images.
type Handler struct{}

func (Handler) Name() string { return "cramfs" }

// Magics: the signature, which reads the same in both byte orders, 16 bytes
// into the superblock; the superblock sits 512 bytes in on padded images.
func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte(signature), Offset: 16}, {Bytes: []byte(signature), Offset: padSize + 16}}
}

// identify finds the superblock of an image starting at off: there, or
// 512 bytes further on (mkfs.cramfs -p).
func identify(r io.ReaderAt, off, size int64) (*super, error) {
	s, err := readSuper(r, off, off, size)
	if err != nil {
		s, err = readSuper(r, off, off+padSize, size)
	}
	return s, err
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	s, err := identify(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	end := int64(-1)
	info := "cramfs v1"
	if s.size > 0 {
		end = off + s.size
		info = fmt.Sprintf("cramfs v2, %d files", s.files)
	}
	if s.bo == binary.BigEndian {
		info += ", big-endian"
	}
	if s.flags&flagExtBlockPtr != 0 {
		info += ", extended block pointers"
	}
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High, Info: info,
		Attrs: map[string]string{"cramfs.name": s.name, "cramfs.flags": fmt.Sprintf("0x%X", s.flags),
			"cramfs.endian": s.bo.String()}}, nil
}

// image is an open cramfs.
type image struct {
	r        io.ReaderAt
	sb       *super
	bo       binary.ByteOrder
	base     int64
	limit    int64 // reads stay below: the image end, or the blob end for version 1
	ext      bool
	end      int64 // furthest byte referenced, for version 1's end
	badNames int
}

func (im *image) extent(off int64) { im.end = max(im.end, im.base+off) }

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	limit := c.End
	if limit < 0 {
		limit = blobEnd(r, c.Start)
	}
	s, err := identify(r, c.Start, limit)
	if err != nil {
		return c.Start, extractors.Wrap("cramfs", c.Start, err, "superblock")
	}
	im := &image{r: r, sb: s, bo: s.bo, base: c.Start, limit: limit, ext: s.flags&flagExtBlockPtr != 0, end: c.Start + superSize}
	if s.size > 0 {
		im.limit = c.Start + s.size
		if ok, err := im.checkCRC(ctx); err != nil {
			return c.Start, err
		} else if !ok {
			dst.Note("cramfs.crc", "bad")
		}
	}
	entries, err := im.walk(ctx)
	dst.Note("cramfs.entries", fmt.Sprint(len(entries)))
	if im.badNames > 0 {
		dst.Note("cramfs.bad_names", fmt.Sprint(im.badNames))
	}
	if werr := im.write(ctx, entries, dst); err == nil {
		err = werr
	}
	end := im.limit
	if s.size == 0 {
		// Version 1 records no size: the image ends with its last block,
		// padded to a page.
		end = min(limit, c.Start+(im.end-c.Start+4095)&^4095)
	}
	return end, err
}

// checkCRC compares the fsid CRC with the CRC-32 of the image from the
// superblock on, taken with the CRC field zeroed.
func (im *image) checkCRC(ctx context.Context) (bool, error) {
	sb := im.base
	if im.sb.root.offset == padSize+superSize {
		sb += padSize
	}
	h := crc32.NewIEEE()
	buf := make([]byte, 1<<20)
	for off := sb; off < im.limit; {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		n, err := im.r.ReadAt(buf[:min(int64(len(buf)), im.limit-off)], off)
		if n == 0 && err != nil {
			return false, extractors.Wrap("cramfs", off, err, "read for CRC")
		}
		if off == sb {
			clear(buf[32:36])
		}
		h.Write(buf[:n])
		off += int64(n)
	}
	return h.Sum32() == im.sb.crc, nil
}

// blobEnd finds the end of the blob behind r without a size: from Size or
// Stat where r has them, else by a binary search for the last readable byte.
func blobEnd(r io.ReaderAt, from int64) int64 {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := v.Stat(); err == nil {
			return fi.Size()
		}
	}
	var b [1]byte
	readable := func(off int64) bool { n, _ := r.ReadAt(b[:], off); return n == 1 }
	lo, hi := from, from+1
	for readable(hi-1) && hi < 1<<50 {
		lo, hi = hi, from+(hi-from)*2
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if readable(mid - 1) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// write writes the entries: directories, links and devices in walk order,
// regular files by a pool of workers that decompress in parallel.
func (im *image) write(ctx context.Context, entries []entry, dst extractors.Sink) error {
	blksize := im.blockSize(entries)
	w := extractors.StartWorkers(ctx, func(e entry) error { return im.writeFile(e, blksize, dst) })
	for _, e := range entries {
		if w.Context().Err() != nil {
			break
		}
		m := extractors.Meta{Mode: extractors.UnixMode(e.n.mode), UID: int64(e.n.uid), GID: int64(e.n.gid)}
		var err error
		switch e.n.mode & extractors.SIFMT {
		case extractors.SIFDIR:
			err = dst.Dir(e.path, m)
		case extractors.SIFREG:
			w.Submit(e)
		case extractors.SIFLNK:
			var target []byte
			if target, err = im.readAll(e.n, blksize, 4096); err == nil {
				err = dst.Symlink(e.path, string(target), m)
			}
		case extractors.SIFCHR, extractors.SIFBLK:
			// The size field holds the old 16-bit device number.
			m.Major, m.Minor = uint32(e.n.size>>8)&0xFF, uint32(e.n.size)&0xFF
			err = dst.Special(e.path, m)
		case extractors.SIFIFO, extractors.SIFSOCK:
			err = dst.Special(e.path, m)
		}
		if err != nil {
			w.Fail(err)
		}
	}
	w.Wait()
	return w.Err()
}

func (im *image) writeFile(e entry, blksize int64, dst extractors.Sink) error {
	m := extractors.Meta{Mode: extractors.UnixMode(e.n.mode), UID: int64(e.n.uid), GID: int64(e.n.gid)}
	if e.n.size == 0 {
		return dst.File(e.path, m, eof{})
	}
	br, err := im.newBlockReader(e.n, blksize)
	if err != nil {
		return err
	}
	return dst.File(e.path, m, br)
}

type eof struct{}

func (eof) Read([]byte) (int, error) { return 0, io.EOF }

// readAll reads a small file (a symlink's target) whole.
func (im *image) readAll(n inode, blksize int64, max int64) ([]byte, error) {
	if n.size == 0 {
		return nil, nil
	}
	br, err := im.newBlockReader(n, blksize)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(br, max))
}

// blockSize finds the block size, which the superblock does not record: the
// kernel uses its page size. The first file longer than a page decodes
// consistently under only one of the sizes in use.
func (im *image) blockSize(entries []entry) int64 {
	for _, e := range entries {
		if e.n.mode&extractors.SIFMT != extractors.SIFREG || e.n.size <= 4096 {
			continue
		}
		for _, bs := range []int64{4096, 16384, 65536, 8192, 32768} {
			br, err := im.newBlockReader(e.n, bs)
			if err != nil {
				continue
			}
			if err := br.next(); err == nil && br.filled == int(min(bs, e.n.size)) {
				return bs
			}
		}
		break
	}
	return 4096
}
