package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/fwstar/fwstar/extractors"
)

// Zip handles zip archives with the standard library's reader, over the exact
// byte range found by walking the local headers to the end of central
// directory record.
type Zip struct{}

func (Zip) Name() string { return "zip" }

const (
	zipLocalSig = 0x04034b50
	zipCDSig    = 0x02014b50
	zipEOCDSig  = 0x06054b50
	zipEOCD64   = 0x06064b50
	zipLoc64    = 0x07064b50
	zipDescSig  = 0x08074b50
)

func (Zip) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("PK\x03\x04")}}
}

// zipLayout is where an archive's parts lie in the blob.
type zipLayout struct {
	base    int64 // what the central directory's offsets count from
	end     int64 // just past the end record and its comment
	entries int
}

var errZip = errors.New("bad zip structure")

// zipWalk follows the local headers from off (skipping each entry's data by
// its stated size, or to its data descriptor), then the central directory,
// the zip64 records and the end record. Offsets only move forward.
func zipWalk(r io.ReaderAt, off, size int64) (zipLayout, error) {
	pos := off
	n := 0
	for {
		b, err := extractors.ReadAt(r, pos, 30, size)
		if err != nil {
			return zipLayout{}, err
		}
		if binary.LittleEndian.Uint32(b) != zipLocalSig {
			break
		}
		flags := binary.LittleEndian.Uint16(b[6:])
		method := binary.LittleEndian.Uint16(b[8:])
		if n == 0 && method != 0 && method != 8 && method != 12 && method != 14 && method != 93 && method != 95 && method != 98 && method != 99 {
			return zipLayout{}, fmt.Errorf("method %d", method)
		}
		csize := int64(binary.LittleEndian.Uint32(b[18:]))
		data := pos + 30 + int64(binary.LittleEndian.Uint16(b[26:])) + int64(binary.LittleEndian.Uint16(b[28:]))
		if csize == 0xFFFFFFFF || flags&0x08 != 0 {
			// Sizes in a zip64 extra or in a data descriptor after the data:
			// find the descriptor whose stated size matches where it is.
			if pos, err = zipDescriptor(r, data, size); err != nil {
				return zipLayout{}, err
			}
		} else {
			pos = data + csize
		}
		if pos > size {
			return zipLayout{}, io.ErrUnexpectedEOF
		}
		n++
	}
	// Central directory.
	cd := pos
	for {
		b, err := extractors.ReadAt(r, pos, 4, size)
		if err != nil {
			return zipLayout{}, err
		}
		if binary.LittleEndian.Uint32(b) != zipCDSig {
			break
		}
		if b, err = extractors.ReadAt(r, pos, 46, size); err != nil {
			return zipLayout{}, err
		}
		pos += 46 + int64(binary.LittleEndian.Uint16(b[28:])) + int64(binary.LittleEndian.Uint16(b[30:])) + int64(binary.LittleEndian.Uint16(b[32:]))
	}
	b, err := extractors.ReadAt(r, pos, 4, size)
	if err != nil {
		return zipLayout{}, err
	}
	sig := binary.LittleEndian.Uint32(b)
	if sig == zipEOCD64 {
		b, err := extractors.ReadAt(r, pos, 12, size)
		if err != nil {
			return zipLayout{}, err
		}
		pos += 12 + int64(binary.LittleEndian.Uint64(b[4:]))
		if b, err = extractors.ReadAt(r, pos, 20, size); err != nil || binary.LittleEndian.Uint32(b) != zipLoc64 {
			return zipLayout{}, errZip
		}
		pos += 20
	}
	e, err := extractors.ReadAt(r, pos, 22, size)
	if err != nil {
		return zipLayout{}, err
	}
	if binary.LittleEndian.Uint32(e) != zipEOCDSig {
		return zipLayout{}, errZip
	}
	end := pos + 22 + int64(binary.LittleEndian.Uint16(e[20:]))
	if end > size {
		return zipLayout{}, io.ErrUnexpectedEOF
	}
	// The directory's stated offset tells what offsets count from: the zip's
	// own start, or the blob's start when a stub was prepended (zip -A).
	base := cd - int64(binary.LittleEndian.Uint32(e[16:]))
	if binary.LittleEndian.Uint32(e[16:]) == 0xFFFFFFFF || base < 0 || base > off {
		base = off
	}
	return zipLayout{base: base, end: end, entries: n}, nil
}

// zipDescriptor finds the end of a data descriptor that follows data at off:
// the first signature whose compressed size equals its distance from off.
func zipDescriptor(r io.ReaderAt, off, size int64) (int64, error) {
	sig := []byte("PK\x07\x08")
	buf := make([]byte, 64<<10)
	for p := off; p < size; p += int64(len(buf)) - 24 {
		n, _ := r.ReadAt(buf, p)
		w := buf[:n]
		for i := 0; ; {
			j := bytes.Index(w[i:], sig)
			if j < 0 {
				break
			}
			at := p + int64(i+j)
			if i+j+24 <= n {
				d := w[i+j:]
				if int64(binary.LittleEndian.Uint32(d[8:])) == at-off {
					return at + 16, nil
				}
				if int64(binary.LittleEndian.Uint64(d[8:])) == at-off {
					return at + 24, nil // zip64 descriptor
				}
			}
			i += j + 1
		}
		if n < len(buf) {
			break
		}
	}
	return 0, io.ErrUnexpectedEOF
}

func (Zip) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	l, err := zipWalk(r, off, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("zip", err.Error())
	}
	c := extractors.Chunk{Start: off, End: l.end, Confidence: extractors.High, Info: fmt.Sprintf("zip, %d entries", l.entries)}
	if l.base != off {
		c.Attrs = map[string]string{"zip.base": fmt.Sprint(l.base)}
	}
	return c, nil
}

func (Zip) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	l, err := zipWalk(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("zip", c.Start, err, "layout")
	}
	zr, err := zip.NewReader(io.NewSectionReader(r, l.base, l.end-l.base), l.end-l.base)
	if err != nil {
		return c.Start, extractors.Wrap("zip", c.Start, err, "central directory")
	}
	// An entry that cannot be decoded (encrypted, an unknown method, bad
	// data) is skipped and reported; the sink's budgets and the deadline stop
	// the archive.
	var first error
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return c.End, err
		}
		err := zipEntry(dst, f)
		var fe *extractors.FormatError
		switch {
		case errors.As(err, &fe):
			if first == nil {
				first = err
			}
		case extractors.IsFatal(err):
			return c.End, err
		}
	}
	return c.End, first
}

func zipEntry(dst extractors.Sink, f *zip.File) error {
	mode := f.Mode()
	m := extractors.Meta{Mode: mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky | fs.ModeDevice | fs.ModeCharDevice | fs.ModeNamedPipe | fs.ModeSocket), MTime: f.Modified}
	m.UID, m.GID = zipOwner(f.Extra)
	switch {
	case mode.IsDir():
		return dst.Dir(f.Name, m)
	case mode&fs.ModeSymlink != 0:
		rc, err := f.Open()
		if err != nil {
			return extractors.Wrap("zip", int64(f.CompressedSize64), err, "%q", f.Name)
		}
		t, err := io.ReadAll(io.LimitReader(rc, 4097))
		rc.Close()
		if err != nil || len(t) == 0 || len(t) > 4096 {
			return extractors.Errorf("zip", 0, "%q: bad symlink target", f.Name)
		}
		return dst.Symlink(f.Name, string(t), m)
	case mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
		return dst.Special(f.Name, m)
	}
	off, _ := f.DataOffset()
	if f.Flags&1 != 0 {
		return extractors.Errorf("zip", off, "%q is encrypted", f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return extractors.Wrap("zip", off, err, "%q", f.Name)
	}
	defer rc.Close()
	return dst.File(f.Name, m, zipData{rc, off, f.Name})
}

// zipOwner reads the uid and gid from Info-ZIP's Unix extra field (0x7875).
func zipOwner(extra []byte) (uid, gid int64) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+n > len(extra) {
			break
		}
		b := extra[4 : 4+n]
		if id == 0x7875 && n >= 3 && b[0] == 1 {
			us := int(b[1])
			if 2+us+1 <= n && us <= 8 {
				gs := int(b[2+us])
				if 3+us+gs <= n && gs <= 8 {
					return leUint(b[2 : 2+us]), leUint(b[3+us : 3+us+gs])
				}
			}
		}
		extra = extra[4+n:]
	}
	return 0, 0
}

func leUint(b []byte) int64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return int64(v)
}

// zipData names a decode error with the entry and its data offset.
type zipData struct {
	r    io.Reader
	off  int64
	name string
}

func (d zipData) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = extractors.Wrap("zip", d.off, err, "data of %q", d.name)
	}
	return n, err
}
