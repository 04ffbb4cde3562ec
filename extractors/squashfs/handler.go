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

// write hands the walker's entries to the sink in order, but for regular
// files, which a pool writes concurrently (decoding is done by then; what is
// left is hashing, scanning and writing them). An entry whose name a file
// being written has, or a hard link to one, waits for those files first. It
// returns the first data error in walk order, or the sink error that ended
// the chunk.
func write(ctx context.Context, pl *pipeline, items <-chan item, dst extractors.Sink) error {
	var mu sync.Mutex
	var first error // the data error of the file first in walk order
	firstAt := 0
	var busy sync.WaitGroup
	writing := map[string]bool{}
	type file struct {
		it item
		at int
	}
	var files *extractors.Workers[file]
	files = extractors.StartWorkers(ctx, func(f file) error {
		defer busy.Done()
		fr := &fileReader{ctx: files.Context(), pl: pl, in: f.it.in, pieces: f.it.pieces, abort: f.it.abort}
		err := dst.File(f.it.path, meta(f.it), fr)
		fr.finish()
		if fr.err != nil {
			mu.Lock()
			if first == nil || f.at < firstAt {
				firstAt, first = f.at, fr.err
			}
			mu.Unlock()
			return nil
		}
		if extractors.IsFatal(err) {
			return err
		}
		return nil
	})
	at := 0
	for it := range items {
		at++
		if files.Context().Err() != nil {
			break
		}
		if writing[it.path] || it.link != "" && writing[it.link] {
			busy.Wait()
			clear(writing)
		}
		var err error
		switch {
		case it.link != "":
			err = dst.Hardlink(it.path, it.link)
		case it.in.typ == typeDir:
			err = dst.Dir(it.path, meta(it))
		case it.in.typ == typeFile:
			writing[it.path] = true
			busy.Add(1)
			if !files.Submit(file{it, at}) {
				busy.Done()
				drain(pl, it)
			}
			continue
		case it.in.typ == typeSymlink:
			err = dst.Symlink(it.path, it.in.target, meta(it))
		default:
			err = dst.Special(it.path, meta(it))
		}
		if extractors.IsFatal(err) {
			files.Fail(err)
			break
		}
	}
	files.Wait()
	if err := files.Err(); err != nil {
		return err
	}
	return first
}

func meta(it item) extractors.Meta {
	return extractors.Meta{Mode: it.in.mode(), UID: it.uid, GID: it.gid, MTime: time.Unix(it.in.mtime, 0),
		Major: it.in.major, Minor: it.in.minor}
}

// drain takes the pieces of a file that will not be written.
func drain(pl *pipeline, it item) {
	(&fileReader{pl: pl, pieces: it.pieces, abort: it.abort}).finish()
}
