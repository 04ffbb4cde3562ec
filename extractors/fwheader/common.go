// Package fwheader holds the handlers of firmware headers that wrap a payload
// lying in the same blob as-is: U-Boot legacy uImage, Broadcom TRX, TP-Link
// and other vendor headers. Each handler's chunk covers only its header and
// returns Hints at the payloads, so the engine carves them in place and layer
// paths keep the real offsets.
package fwheader

import (
	"context"
	"crypto/md5"
	"fmt"
	"hash/crc32"
	"io"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// cstr returns the NUL-terminated string at the start of b, with characters
// that are not printable ASCII replaced, so header text is safe to report.
func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, string(b))
}

// printable reports whether the NUL-terminated string at the start of b is
// printable ASCII: vendor headers carry names, random bytes rarely do.
func printable(b []byte) bool {
	for _, c := range b {
		if c == 0 {
			return true
		}
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// sumRange feeds [off, off+n) of r to h in reads that grow from 64 KiB to
// 1 MiB as data arrives (a length from a header may be far past the end),
// stopping when ctx is done. It returns how many bytes it hashed.
func sumRange(ctx context.Context, h io.Writer, r io.ReaderAt, off, n int64) (int64, error) {
	buf := make([]byte, min(64<<10, max(n, 0)))
	done := int64(0)
	for done < n {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		if len(buf) < 1<<20 && done >= int64(len(buf)) {
			buf = make([]byte, min(2*len(buf), 1<<20))
		}
		b := buf[:min(int64(len(buf)), n-done)]
		m, err := r.ReadAt(b, off+done)
		h.Write(b[:m])
		done += int64(m)
		if m < len(b) {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return done, err
		}
	}
	return done, nil
}

// crcIEEE is the CRC-32 (IEEE, zlib's) of [off, off+n).
func crcIEEE(ctx context.Context, r io.ReaderAt, off, n int64) (uint32, error) {
	h := crc32.NewIEEE()
	_, err := sumRange(ctx, h, r, off, n)
	return h.Sum32(), err
}

// md5Salted is the MD5 of [off, off+n) with the 16 bytes at off+at replaced
// by salt, the way TP-Link and others checksum a header that holds its own sum.
func md5Salted(ctx context.Context, r io.ReaderAt, off, n, at int64, salt []byte) ([]byte, error) {
	h := md5.New()
	if _, err := sumRange(ctx, h, r, off, at); err != nil {
		return nil, err
	}
	h.Write(salt)
	if _, err := sumRange(ctx, h, r, off+at+int64(len(salt)), n-at-int64(len(salt))); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// checkNote formats a checksum verdict for Sink.Note.
func checkNote(ok bool, stored, computed any) string {
	if ok {
		return "ok"
	}
	return fmt.Sprintf("mismatch: stored %v, computed %v", stored, computed)
}

// hexAttr formats a header number for Attrs.
func hexAttr(v uint32) string { return fmt.Sprintf("0x%X", v) }

// Handlers lists the package's handlers, for the registry and the tests.
func Handlers() []extractors.Handler {
	return []extractors.Handler{UImage{}, TRX{}, TPLink{}, CHK{}, SEAMA{}, WRGG{}, UBNT{},
		TPLinkV2{}, Safeloader{}, BuffaloTag{}, BuffaloEnc{}, DNS313{}, DNI{}}
}

// reparse reads the n header bytes of chunk c again in Extract (no further
// than end) and parses them, with the errors every handler gives for them.
func reparse[T any](name string, r io.ReaderAt, c extractors.Chunk, n int, end int64, parse func([]byte) (T, error)) (T, []byte, error) {
	var h T
	b, err := extractors.ReadAt(r, c.Start, n, end)
	if err != nil {
		return h, nil, extractors.Wrap(name, c.Start, err, "header")
	}
	if h, err = parse(b); err != nil {
		return h, b, extractors.Errorf(name, c.Start, "%v", err)
	}
	return h, b, nil
}
