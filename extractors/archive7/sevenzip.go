// Package archive7 reads 7-Zip archives, the format firmware vendors ship
// release bundles in, with github.com/bodgit/sevenzip (served, maintained,
// decodes LZMA, LZMA2, PPMd, BZip2, Deflate, BCJ filters and AES). This
// package sizes the chunk exactly from the signature header, bounds what the
// library is given to that chunk, and reports encrypted archives without
// trying passwords. RAR archives are extractors/rar's.
package archive7

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"

	"github.com/bodgit/sevenzip"

	"github.com/fwstar/fwstar/extractors"
)

// SevenZip handles .7z archives.
type SevenZip struct{}

func (SevenZip) Name() string { return "7z" }

var signature = []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}

func (SevenZip) Magics() []extractors.Magic { return []extractors.Magic{{Bytes: signature}} }

const signatureHeaderSize = 32

// Identify checks the signature header: its CRC, and the CRC of the next
// header it points to, which ends the archive.
func (SevenZip) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, signatureHeaderSize, size)
	if err != nil || !bytes.Equal(b[:6], signature) || b[6] != 0 {
		return extractors.Chunk{}, extractors.NotFormat("7z", "no signature header")
	}
	le := binary.LittleEndian
	if crc32.ChecksumIEEE(b[12:32]) != le.Uint32(b[8:]) {
		return extractors.Chunk{}, extractors.NotFormat("7z", "bad start header CRC")
	}
	nextOff, nextSize := le.Uint64(b[12:]), le.Uint64(b[20:])
	left := uint64(size - off - signatureHeaderSize)
	if nextSize == 0 || nextOff > left || nextSize > left-nextOff || nextSize > extractors.MaxAlloc {
		return extractors.Chunk{}, extractors.NotFormat("7z", "next header out of range")
	}
	at := off + signatureHeaderSize + int64(nextOff)
	h, err := extractors.ReadAt(r, at, int(nextSize), size)
	if err != nil || crc32.ChecksumIEEE(h) != le.Uint32(b[28:]) {
		return extractors.Chunk{}, extractors.NotFormat("7z", "bad next header CRC")
	}
	// 0x01 is a plain header, 0x17 an encoded (compressed or encrypted) one.
	if h[0] != 0x01 && h[0] != 0x17 {
		return extractors.Chunk{}, extractors.NotFormat("7z", "bad next header type")
	}
	return extractors.Chunk{Start: off, End: at + int64(nextSize), Confidence: extractors.High,
		Info: fmt.Sprintf("7-Zip archive v0.%d", b[7])}, nil
}

func (SevenZip) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	switch err := checkArchive(r, c); {
	case errors.Is(err, errEncrypted):
		dst.Note("7z.encrypted", "headers")
		return c.End, nil
	case err != nil:
		return c.Start, extractors.Wrap("7z", c.Start, err, "headers")
	}
	n := c.End - c.Start
	var z *sevenzip.Reader
	err := protect(func() (err error) {
		z, err = sevenzip.NewReader(io.NewSectionReader(r, c.Start, n), n)
		return err
	})
	if err != nil {
		var re *sevenzip.ReadError
		if errors.As(err, &re) && re.Encrypted {
			dst.Note("7z.encrypted", "headers")
			return c.End, nil
		}
		return c.Start, extractors.Wrap("7z", c.Start, err, "headers")
	}
	dst.Note("7z.entries", fmt.Sprint(len(z.File)))
	encrypted := 0
	var firstErr error
	for _, f := range z.File {
		if err := ctx.Err(); err != nil {
			return c.End, err
		}
		err := protect(func() error { return writeFile(f, dst) })
		var re *sevenzip.ReadError
		var fe *extractors.FormatError
		var le *extractors.LimitError
		switch {
		case err == nil:
		case errors.As(err, &re) && re.Encrypted:
			encrypted++
			continue
		case errors.As(err, &le) || ctx.Err() != nil:
			return c.End, err
		case !errors.As(err, &fe) && extractors.IsFatal(err):
			// The library's errors: corrupt data, a bad CRC.
			err = extractors.Wrap("7z", c.Start, err, "%s", f.Name)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if encrypted > 0 {
		dst.Note("7z.encrypted", fmt.Sprintf("%d files", encrypted))
	}
	return c.End, firstErr
}

// protect turns a panic of the library on corrupt input into an error.
func protect(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &extractors.FormatError{Format: "7z", Msg: fmt.Sprintf("decoder panic: %v", p)}
		}
	}()
	return f()
}

// writeFile writes one entry. 7z stores no owners; the mode comes from the
// Unix bits that p7zip and 7-Zip put in the high half of the attributes.
func writeFile(f *sevenzip.File, dst extractors.Sink) error {
	mode := f.Mode()
	m := extractors.Meta{Mode: mode, MTime: f.Modified.UTC()}
	switch {
	case mode.IsDir():
		return dst.Dir(f.Name, m)
	case mode&(fs.ModeDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
		return dst.Special(f.Name, m)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	if mode&fs.ModeSymlink != 0 {
		// A link's data is its target.
		target, err := io.ReadAll(io.LimitReader(rc, 4096))
		if err != nil {
			return err
		}
		return dst.Symlink(f.Name, string(target), m)
	}
	return dst.File(f.Name, m, &errReader{rc, f.Name})
}

// errReader turns the library's read errors (corrupt data, bad CRC) into
// FormatErrors, which end only their file.
type errReader struct {
	r    io.Reader
	name string
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		var re *sevenzip.ReadError
		if !errors.As(err, &re) || !re.Encrypted {
			err = extractors.Wrap("7z", 0, err, "%s", e.name)
		}
	}
	return n, err
}
