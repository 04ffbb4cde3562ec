package archive

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Tar handles ustar, GNU and pax archives with the standard library's reader.
// Pre-POSIX (v7) archives have no magic for the signature pass to find.
type Tar struct{}

func (Tar) Name() string { return "tar" }

// Magics: "ustar" at 257 in the first header, followed by "\x0000" (POSIX)
// or "  \x00" (GNU).
func (Tar) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("ustar\x0000"), Offset: 257}, {Bytes: []byte("ustar  \x00"), Offset: 257}}
}

// tarChecksumOK verifies a header block's checksum: the sum of its bytes with
// the checksum field read as spaces. Old tars summed signed bytes; both count.
func tarChecksumOK(b []byte) bool {
	field := strings.TrimRight(strings.TrimLeft(string(b[148:156]), " "), " \x00")
	want, err := strconv.ParseInt(field, 8, 64)
	if err != nil {
		return false
	}
	var u, s int64
	for i, v := range b[:512] {
		if i >= 148 && i < 156 {
			v = ' '
		}
		u += int64(v)
		s += int64(int8(v))
	}
	return want == u || want == s
}

func (Tar) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, 512, size)
	if err != nil || !tarChecksumOK(b) {
		return extractors.Chunk{}, extractors.NotFormat("tar", "bad header checksum")
	}
	info := "tar ustar"
	if string(b[257:263]) == "ustar " {
		info = "tar gnu"
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: extractors.High, Info: info}, nil
}

// tarRecord is GNU tar's default record (20 blocks); the zero blocks that pad
// the last record belong to the archive.
const tarRecord = 10240

func (Tar) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	size := blobSize(r)
	sr := &posReader{r: r, pos: c.Start, end: size}
	tr := tar.NewReader(sr)
	for {
		if err := ctx.Err(); err != nil {
			return min(sr.pos, size), err
		}
		at := sr.pos
		h, err := tr.Next()
		if err == io.EOF {
			// The reader also says EOF at a cut between entries: only the
			// two zero blocks end an archive.
			if z, e := extractors.ReadAt(r, sr.pos-1024, 1024, size); e != nil || sr.pos-1024 < c.Start || !allZero(z) {
				return min(sr.pos, size), extractors.Wrap("tar", min(sr.pos, size), io.ErrUnexpectedEOF, "archive ends without its two zero blocks")
			}
			break
		}
		if err != nil {
			return at, extractors.Wrap("tar", at, err, "header")
		}
		// A refused path skips the entry (the sink records it); budgets,
		// the deadline and broken data end the archive.
		if err := tarEntry(dst, tr, h, sr); extractors.IsFatal(err) {
			return min(sr.pos, size), err
		}
	}
	return tarPadding(r, c.Start, sr.pos, size), nil
}

func tarEntry(dst extractors.Sink, tr *tar.Reader, h *tar.Header, sr *posReader) error {
	m := unixMeta(uint32(h.Mode), int64(h.Uid), int64(h.Gid), h.ModTime.Unix())
	m.Major, m.Minor = uint32(h.Devmajor), uint32(h.Devminor)
	switch h.Typeflag {
	case tar.TypeDir:
		return dst.Dir(h.Name, m)
	case tar.TypeSymlink:
		return dst.Symlink(h.Name, h.Linkname, m)
	case tar.TypeLink:
		return dst.Hardlink(h.Name, h.Linkname)
	case tar.TypeChar:
		m.Mode |= fs.ModeDevice | fs.ModeCharDevice
		return dst.Special(h.Name, m)
	case tar.TypeBlock:
		m.Mode |= fs.ModeDevice
		return dst.Special(h.Name, m)
	case tar.TypeFifo:
		m.Mode |= fs.ModeNamedPipe
		return dst.Special(h.Name, m)
	case tar.TypeReg, '\x00', tar.TypeCont, tar.TypeGNUSparse:
		return dst.File(h.Name, m, tarData{tr, h.Name, sr})
	}
	return nil // pax globals, volume labels: nothing to write
}

// tarData names a data read error with the entry.
type tarData struct {
	r    io.Reader
	name string
	pos  *posReader
}

func (d tarData) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = extractors.Wrap("tar", d.pos.pos, err, "data of %q", d.name)
	}
	return n, err
}

// tarPadding extends end over the zero blocks up to the next full record.
func tarPadding(r io.ReaderAt, start, end, size int64) int64 {
	pad := (tarRecord - (end-start)%tarRecord) % tarRecord
	if pad == 0 {
		return end
	}
	b, err := extractors.ReadAt(r, end, int(pad), size)
	if err != nil {
		return end
	}
	if !allZero(b) {
		return end
	}
	return end + pad
}

func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// posReader reads and seeks a blob forward from an offset and tells where it
// is, so that the end of the archive is exact.
type posReader struct {
	r        io.ReaderAt
	pos, end int64
}

func (p *posReader) Read(b []byte) (int, error) {
	if p.pos >= p.end {
		return 0, io.EOF
	}
	if int64(len(b)) > p.end-p.pos {
		b = b[:p.end-p.pos]
	}
	n, err := p.r.ReadAt(b, p.pos)
	p.pos += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

func (p *posReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += p.pos
	case io.SeekEnd:
		off += p.end
	}
	if off < 0 {
		return p.pos, errors.New("seek before start")
	}
	p.pos = off
	return off, nil
}
