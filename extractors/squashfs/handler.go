// Package squashfs reads squashfs images of versions 2.x, 3.x and 4.0, in
// either byte order, with every compressor mksquashfs offers and the LZMA of
// vendor builds (DD-WRT, Broadcom and other SDKs' magics).
//
// It is our own reader, written from the on-disk format: no served Go
// library reads LZ4, LZO or BCJ-filtered xz images, big-endian or pre-4.0
// ones, and one of them runs out of memory on corrupt input.
package squashfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// Handler is the squashfs filesystem handler.
type Handler struct{}

func (Handler) Name() string { return "squashfs" }

func (Handler) Magics() []extractors.Magic {
	var ms []extractors.Magic
	for _, m := range []string{"hsqs", "sqsh", "hsqt", "tqsh", "shsq", "qshs", "sqlz", "zlqs"} {
		ms = append(ms, extractors.Magic{Bytes: []byte(m)})
	}
	return ms
}

// Identify validates the superblock. The chunk ends at bytes_used: the
// padding mksquashfs adds up to 4 KiB is left to the engine.
func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	s, err := readSuper(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	c := extractors.Chunk{Start: off, End: off + s.bytesUsed, Confidence: extractors.High, Info: s.info(),
		Attrs: map[string]string{
			"squashfs.version":     fmt.Sprintf("%d.%d", s.major, s.minor),
			"squashfs.compression": s.compName(),
			"squashfs.endian":      s.endian(),
			"squashfs.block_size":  strconv.Itoa(int(s.blockSize)),
			"squashfs.inodes":      strconv.Itoa(int(s.inodes)),
		}}
	if s.variant != "" {
		c.Attrs["squashfs.variant"] = s.variant
	}
	if c.End > size {
		// Truncated: offer what is there; Extract reports where it broke.
		c.End, c.Confidence = size, extractors.Low
		c.Info += ", truncated"
	}
	return c, nil
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	s, err := readSuper(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("squashfs", c.Start, err, "superblock")
	}
	img := &image{r: r, base: c.Start, size: s.bytesUsed, s: s}
	if c.End >= 0 && c.End-c.Start < s.bytesUsed {
		img.size = c.End - c.Start
	}
	dst.Note("squashfs.version", fmt.Sprintf("%d.%d", s.major, s.minor))
	dst.Note("squashfs.compression", s.compName())

	workers := runtime.GOMAXPROCS(0)
	pl := newPipeline(img, workers)
	w := newWalker(ctx, img, pl)
	items := make(chan item, 64)
	var wg sync.WaitGroup
	wg.Add(workers + 1)
	for range workers {
		go func() { defer wg.Done(); pl.work() }()
	}
	go func() {
		defer wg.Done()
		defer close(pl.jobs)
		defer close(items)
		w.run(items)
	}()

	werr := write(ctx, pl, items, dst)
	close(pl.quit)
	for range items { // let the walker see quit and stop
	}
	wg.Wait()

	end := c.Start + img.size
	if werr != nil && !isFormat(werr) {
		return end, werr // a budget or the deadline ended the chunk
	}
	if w.err != nil {
		return end, w.err
	}
	if werr != nil {
		return end, werr
	}
	if img.size < s.bytesUsed {
		return end, img.errorf(img.size, "image truncated: %d of %d bytes", img.size, s.bytesUsed)
	}
	return end, nil
}

func isFormat(err error) bool {
	var fe *extractors.FormatError
	return errors.As(err, &fe)
}

// write hands the walker's entries to the sink in order. It returns the
// first data error, or the sink error that ended the chunk.
func write(ctx context.Context, pl *pipeline, items <-chan item, dst extractors.Sink) error {
	var first error
	for it := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		m := extractors.Meta{Mode: it.in.mode(), UID: it.uid, GID: it.gid, MTime: time.Unix(it.in.mtime, 0),
			Major: it.in.major, Minor: it.in.minor}
		var err error
		switch {
		case it.link != "":
			err = dst.Hardlink(it.path, it.link)
		case it.in.typ == typeDir:
			err = dst.Dir(it.path, m)
		case it.in.typ == typeFile:
			fr := &fileReader{ctx: ctx, pl: pl, in: it.in, abort: it.abort}
			err = dst.File(it.path, m, fr)
			fr.finish()
			if fr.err != nil {
				if first == nil {
					first = fr.err
				}
				continue
			}
		case it.in.typ == typeSymlink:
			err = dst.Symlink(it.path, it.in.target, m)
		default:
			err = dst.Special(it.path, m)
		}
		if extractors.IsFatal(err) {
			return err
		}
	}
	return first
}
