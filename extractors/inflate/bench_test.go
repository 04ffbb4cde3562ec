package inflate

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	stdadler32 "hash/adler32"
	"io"
	"os"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	kzlib "github.com/klauspost/compress/zlib"
)

// benchBlocks is a real shared library compressed by compress/zlib at
// level 6 in 128 KiB blocks, as mksquashfs stores a file.
func benchBlocks(b *testing.B) (blocks [][]byte, size int) {
	data, err := os.ReadFile("/usr/lib/x86_64-linux-gnu/libc.so.6")
	if err != nil {
		b.Skip(err)
	}
	for len(data) > 0 {
		n := min(len(data), 128<<10)
		var buf bytes.Buffer
		w, _ := zlib.NewWriterLevel(&buf, 6)
		w.Write(data[:n])
		w.Close()
		blocks = append(blocks, buf.Bytes())
		data, size = data[n:], size+n
	}
	return blocks, size
}

// BenchmarkDecode decodes the blocks with ours and with klauspost's zlib
// reader the way squashfs used it (Reset on a bytes.Reader, read into the
// block buffer).
func BenchmarkDecode(b *testing.B) {
	blocks, size := benchBlocks(b)
	dst := make([]byte, 128<<10)
	b.Run("ours", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			for _, blk := range blocks {
				if _, err := DecodeZlib(dst, blk); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("klauspost", func(b *testing.B) {
		b.SetBytes(int64(size))
		big := make([]byte, 128<<10+1)
		var br bytes.Reader
		br.Reset(blocks[0])
		zr, err := kzlib.NewReader(&br)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			for _, blk := range blocks {
				br.Reset(blk)
				if err := zr.(kzlib.Resetter).Reset(&br, nil); err != nil {
					b.Fatal(err)
				}
				// One byte of room more than a block: reading ends at EOF,
				// after the Adler-32 check.
				if _, err := io.ReadFull(zr, big); err != io.ErrUnexpectedEOF {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkAdler32 compares our Adler-32 with hash/adler32's.
func BenchmarkAdler32(b *testing.B) {
	p := make([]byte, 128<<10)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.Run("ours", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			adler32(p)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(p)))
		for b.Loop() {
			stdadler32.Checksum(p)
		}
	})
}

// BenchmarkStream decodes one long stream (libc, 4 times, compressed by
// compress/flate at level 6) through a Reader to io.Discard, beside
// klauspost's flate reader on a bufio.Reader (its fast path), as the gzip
// handler used it.
func BenchmarkStream(b *testing.B) {
	data, err := os.ReadFile("/usr/lib/x86_64-linux-gnu/libc.so.6")
	if err != nil {
		b.Skip(err)
	}
	data = bytes.Repeat(data, 4)
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, 6)
	w.Write(data)
	w.Close()
	src := buf.Bytes()
	b.Run("ours", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		z := NewReader(nil)
		for b.Loop() {
			z.Reset(bytes.NewReader(src))
			if n, err := z.WriteTo(io.Discard); err != nil || n != int64(len(data)) {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("klauspost", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		br := bufio.NewReaderSize(nil, 64<<10)
		fr := kflate.NewReader(br)
		for b.Loop() {
			br.Reset(bytes.NewReader(src))
			fr.(kflate.Resetter).Reset(br, nil)
			if n, err := io.Copy(io.Discard, fr); err != nil || n != int64(len(data)) {
				b.Fatal(n, err)
			}
		}
	})
}
