package compress

import (
	"compress/bzip2"
	"context"
	"errors"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// Bzip2 handles bzip2 streams, concatenated ones included (pbzip2 writes
// those), with the standard library's decoder.
type Bzip2 struct{}

func (Bzip2) Name() string { return "bzip2" }

// Magics: "BZh", the block size digit, and the first block's magic (the
// digits of pi), ten bytes in all. An empty stream has no block and no
// content, so it is not worth a match.
func (Bzip2) Magics() []extractors.Magic {
	var ms []extractors.Magic
	for d := byte('1'); d <= '9'; d++ {
		ms = append(ms, extractors.Magic{Bytes: []byte{'B', 'Z', 'h', d, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59}})
	}
	return ms
}

func (Bzip2) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	zr := bzip2.NewReader(extractors.NewCountingReader(r, off))
	// The first block must decode (a block is at most 900 kB, so this is bounded).
	var probe [512]byte
	if n, err := io.ReadFull(zr, probe[:]); n == 0 && err != nil {
		return extractors.Chunk{}, extractors.NotFormat("bzip2", err.Error())
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.High, Info: "bzip2"}, nil
}

var bzip2Suffixes = map[string]string{".bz2": "", ".tbz": ".tar", ".tbz2": ".tar"}

// errAfterStream is what the standard decoder says when the bytes after a
// stream are not another stream: the chunk ended two bytes earlier (the two it
// read to look for "BZ").
const errAfterStream = "bad magic value in continuation file"

func (Bzip2) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	cr := extractors.NewCountingReader(r, c.Start)
	t := &bzTail{r: bzip2.NewReader(cr), cr: cr}
	err := dst.Blob(outName(r, c.Start, "", "bzip2.out", bzip2Suffixes), decoded{ctxReader{ctx, t}, "bzip2", func() int64 { return cr.N }})
	if t.end == 0 {
		return cr.N, err // broken: the chunk runs as far as decoding read
	}
	return t.end, err
}

// bzTail ends the stream cleanly at trailing garbage and records the end.
type bzTail struct {
	r   io.Reader
	cr  *extractors.CountingReader
	end int64
}

func (t *bzTail) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	var se bzip2.StructuralError
	switch {
	case err == io.EOF:
		t.end = t.cr.N
	case errors.As(err, &se) && string(se) == errAfterStream:
		t.end, err = t.cr.N-2, io.EOF
	}
	return n, err
}
