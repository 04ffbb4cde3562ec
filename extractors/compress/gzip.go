// Package compress holds the handlers of single-stream compressors: each turns
// a compressed chunk into one nested blob that the engine scans again.
package compress

import (
	"context"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/fwstar/fwstar/extractors"
)

// Gzip handles RFC 1952 streams, including several members back to back,
// which together decompress to one file.
type Gzip struct{}

func (Gzip) Name() string { return "gzip" }

// Magics: ID1 ID2 and CM=8 (deflate), the only method in use.
func (Gzip) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x1f, 0x8b, 0x08}}}
}

func (Gzip) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	hdr, err := extractors.ReadAt(r, off, 10, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("gzip", "short header")
	}
	// FLG reserved bits must be zero; XFL is 0, 2 or 4; OS is 0..13 or 255.
	if hdr[3]&0xE0 != 0 || (hdr[8] != 0 && hdr[8] != 2 && hdr[8] != 4) || (hdr[9] > 13 && hdr[9] != 255) {
		return extractors.Chunk{}, extractors.NotFormat("gzip", "bad flags")
	}
	zr, err := gzip.NewReader(extractors.NewCountingReader(r, off))
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	// A few bytes of deflate data must decode: random 1f8b08 hits rarely do.
	var probe [512]byte
	if n, err := io.ReadFull(zr, probe[:]); n == 0 && err != nil && err != io.EOF {
		return extractors.Chunk{}, extractors.NotFormat("gzip", err.Error())
	}
	info := "gzip"
	if zr.Name != "" {
		info += ", name " + zr.Name
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.Medium, Info: info,
		Attrs: map[string]string{"gzip.name": zr.Name}}, nil
}

func (Gzip) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	cr := extractors.NewCountingReader(r, c.Start)
	zr, err := gzip.NewReader(cr)
	if err != nil {
		return c.Start, extractors.Wrap("gzip", c.Start, err, "header")
	}
	name := outName(zr.Name, "gzip.out")
	pr, pw := io.Pipe()
	end := c.Start
	done := make(chan struct{})
	go func() {
		defer close(done)
		var err error
		for {
			zr.Multistream(false)
			if _, err = io.Copy(pw, zr); err != nil {
				break
			}
			end = cr.N
			// Another member follows only if its header does.
			if next, e := extractors.ReadAt(r, cr.N, 3, cr.N+3); e != nil || next[0] != 0x1f || next[1] != 0x8b || next[2] != 8 {
				break
			}
			if err = zr.Reset(cr); err != nil {
				err = nil // garbage after the last member: the chunk ends before it
				break
			}
		}
		if err != nil {
			err = extractors.Wrap("gzip", cr.N, err, "deflate stream")
		}
		pw.CloseWithError(err)
	}()
	err = dst.Blob(name, pr)
	pr.CloseWithError(io.ErrClosedPipe) // stop the decoder if the sink gave up
	<-done
	return end, err
}

// outName is the name a stream's content gets: the name stored in its header
// when it has a safe one, else fallback.
func outName(stored, fallback string) string {
	stored = path.Base(strings.ReplaceAll(stored, "\\", "/"))
	if stored == "" || stored == "." || stored == "/" || stored == ".." {
		return fallback
	}
	return stored
}
