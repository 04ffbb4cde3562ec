package jffs2

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"

	"github.com/fwstar/fwstar/extractors"
)

// Handler extracts JFFS2 images. Their end is only known after a scan of
// every node, so Identify leaves it to Extract.
type Handler struct{}

func (Handler) Name() string { return "jffs2" }

// Magics: the magic and the node types an image can start with (a
// cleanmarker, a dirent, an inode, padding), in both byte orders.
func (Handler) Magics() []extractors.Magic {
	var ms []extractors.Magic
	for _, t := range []uint16{typeCleanmarker, typeDirent, typeInode, typePadding} {
		le, be := make([]byte, 4), make([]byte, 4)
		binary.LittleEndian.PutUint16(le, magic)
		binary.LittleEndian.PutUint16(le[2:], t)
		binary.BigEndian.PutUint16(be, magic)
		binary.BigEndian.PutUint16(be[2:], t)
		ms = append(ms, extractors.Magic{Bytes: le}, extractors.Magic{Bytes: be})
	}
	return ms
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, headerSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("jffs2", "short header")
	}
	bo := order(b)
	if bo == nil {
		return extractors.Chunk{}, extractors.NotFormat("jffs2", "no magic")
	}
	h, ok := parseHeader(b, bo)
	if !ok || !knownType(h.nodeType) || int64(h.totlen) > size-off {
		return extractors.Chunk{}, extractors.NotFormat("jffs2", "bad node header")
	}
	info := "jffs2 little-endian"
	if bo == binary.BigEndian {
		info = "jffs2 big-endian"
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.High, Info: info,
		Attrs: map[string]string{"jffs2.endian": bo.String()}}, nil
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	size := c.End
	if size < 0 {
		var err error
		if size, err = blobSize(r); err != nil {
			return c.Start, err
		}
	}
	im, err := scan(ctx, r, c.Start, size)
	if im == nil {
		return c.Start, err
	}
	// Cleanmarkers alone are no file system: tools such as OpenWrt's mtd
	// carry one as a constant, and the signature pass finds it there.
	if len(im.files) == 0 && len(im.dirents) == 0 {
		return c.Start, extractors.NotFormat("jffs2", "no inode or dirent node")
	}
	dst.Note("jffs2.nodes", fmt.Sprint(im.nodes))
	if im.bad > 0 {
		dst.Note("jffs2.bad_nodes", fmt.Sprint(im.bad))
	}
	if im.erase > 0 {
		dst.Note("jffs2.erase_size", fmt.Sprint(im.erase))
	}
	if err == nil {
		err = im.write(ctx, r, size, dst)
	}
	if err == nil {
		err = im.truncErr
	}
	return im.end, err
}

// blobSize finds the size of the blob behind r, which Extract is not told
// when the chunk end is open: from Size or Stat where r has them, else by
// a binary search for the last readable byte.
func blobSize(r io.ReaderAt) (int64, error) {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size(), nil
	case interface{ Stat() (fs.FileInfo, error) }:
		fi, err := v.Stat()
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	var b [1]byte
	readable := func(off int64) bool { n, _ := r.ReadAt(b[:], off); return n == 1 }
	hi := int64(1)
	for readable(hi-1) && hi < 1<<50 {
		hi *= 2
	}
	lo := hi / 2 // readable(lo-1) holds, or lo is 0
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if readable(mid - 1) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, nil
}
