package inflate

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	stdadler32 "hash/adler32"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	kflate "github.com/klauspost/compress/flate"
	kzlib "github.com/klauspost/compress/zlib"
)

// ref is what klauspost/compress/flate makes of src, reading at most
// limit+1 bytes of output: its bytes, the input it consumed (a
// *bytes.Reader is an io.ByteReader, so flate reads no further than it
// needs) and its error.
type ref struct {
	out      []byte
	consumed int
	err      error
}

func refDecode(src []byte, limit int) ref {
	br := bytes.NewReader(src)
	out, err := io.ReadAll(io.LimitReader(kflate.NewReader(br), int64(limit)+1))
	return ref{out, len(src) - br.Len(), err}
}

// compare decodes src with ours into a buffer of limit bytes and checks the
// verdict against klauspost's: the same bytes and end when it succeeds
// within limit; an error from ours when it fails or passes limit; and, in
// every case, the bytes ours wrote are the reference's.
func compare(t *testing.T, src []byte, limit int) (int, error) {
	t.Helper()
	dst := make([]byte, limit)
	n, end, err := Decode(dst, src)
	r := refDecode(src, limit)
	if m := min(n, len(r.out)); !bytes.Equal(dst[:m], r.out[:m]) {
		t.Fatalf("output differs from klauspost's within the first %d bytes", m)
	}
	switch {
	case r.err == nil && len(r.out) <= limit:
		if err != nil || n != len(r.out) || end != r.consumed {
			t.Fatalf("ours n=%d end=%d err=%v; klauspost n=%d consumed=%d", n, end, err, len(r.out), r.consumed)
		}
	case err == nil:
		t.Fatalf("ours accepts (n=%d end=%d); klauspost n=%d err=%v", n, end, len(r.out), r.err)
	}
	return n, err
}

// zlibBody returns the raw DEFLATE part of a zlib stream.
func zlibBody(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b[2:]
}

// gzipBody returns the DEFLATE data of a gzip member (RFC 1952): after the
// 10-byte header and the optional fields its flags announce.
func gzipBody(t testing.TB, b []byte) []byte {
	if len(b) < 18 || b[0] != 0x1F || b[1] != 0x8B || b[2] != 8 {
		t.Fatal("not a gzip member")
	}
	flg, p := b[3], 10
	if flg&4 != 0 { // FEXTRA
		p += 2 + int(binary.LittleEndian.Uint16(b[p:]))
	}
	for _, f := range []byte{8, 16} { // FNAME, FCOMMENT: zero-terminated
		if flg&f != 0 {
			p += bytes.IndexByte(b[p:], 0) + 1
		}
	}
	if flg&2 != 0 { // FHCRC
		p += 2
	}
	return b[p:]
}

func TestZlibFixtures(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.zz")
	if len(names) < 13 {
		t.Fatalf("%d fixtures; run testdata/gen.sh", len(names))
	}
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zlib.NewReader(bytes.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			want, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			kr, err := kzlib.NewReader(bytes.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			if kwant, err := io.ReadAll(kr); err != nil || !bytes.Equal(kwant, want) {
				t.Fatalf("klauspost zlib disagrees with the standard library: %v", err)
			}
			dst := make([]byte, len(want)+100)
			n, err := DecodeZlib(dst, src)
			if err != nil || !bytes.Equal(dst[:n], want) {
				t.Fatalf("n=%d (want %d) err=%v", n, len(want), err)
			}
			// An exact buffer fits; one byte less is ErrTooBig.
			if n, err := DecodeZlib(make([]byte, len(want)), src); err != nil || n != len(want) {
				t.Fatalf("exact buffer: n=%d err=%v", n, err)
			}
			if len(want) > 0 {
				if _, err := DecodeZlib(make([]byte, len(want)-1), src); err != ErrTooBig {
					t.Fatalf("short buffer: err=%v", err)
				}
			}
			// The raw stream ends 4 bytes (the Adler-32) before the file.
			_, end, _ := Decode(dst, src[2:])
			if end != len(src)-6 {
				t.Fatalf("end %d, want %d", end, len(src)-6)
			}
			compare(t, src[2:], len(want))
		})
	}
}

// TestRawAndStdlib checks a raw stream (wbits -15) against the standard
// library's decoder too.
func TestRawAndStdlib(t *testing.T) {
	src, err := os.ReadFile("testdata/raw.deflate")
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(flate.NewReader(bytes.NewReader(src)))
	if err != nil {
		t.Fatal(err)
	}
	dst := make([]byte, 1<<20)
	n, end, err := Decode(dst, src)
	if err != nil || !bytes.Equal(dst[:n], want) || end != len(src) {
		t.Fatalf("n=%d end=%d err=%v", n, end, err)
	}
	// Trailing bytes are not consumed.
	if _, end, _ = Decode(dst, append(src[:len(src):len(src)], 1, 2, 3)); end != len(src) {
		t.Fatalf("end %d with trailing bytes", end)
	}
}

func TestGzipFixtures(t *testing.T) {
	for _, name := range []string{"gzip1.gz", "gzip9.gz"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		body := gzipBody(t, b)
		dst := make([]byte, 1<<20)
		n, end, err := Decode(dst, body)
		if err != nil || len(body)-end != 8 {
			t.Fatalf("%s: err=%v, %d bytes after the data, want 8", name, err, len(body)-end)
		}
		trailer := body[end:]
		if crc32.ChecksumIEEE(dst[:n]) != binary.LittleEndian.Uint32(trailer) || uint32(n) != binary.LittleEndian.Uint32(trailer[4:]) {
			t.Fatalf("%s: CRC-32 or ISIZE mismatch (n=%d)", name, n)
		}
		compare(t, body, n)
	}
}

// TestDistance32768 uses the standard library's encoder, which (unlike
// zlib) reaches back the full 32 KiB, on a random block repeated: its only
// matches are 32768 bytes back.
func TestDistance32768(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 1<<15, 3<<15)
	for i := range data {
		data[i] = byte(rnd.Uint32())
	}
	data = append(data, data...)
	data = append(data, data[:1<<15]...)
	for _, level := range []int{6, 9} {
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, level)
		w.Write(data)
		w.Close()
		if buf.Len() > len(data)/2 {
			t.Fatalf("level %d: %d bytes, the encoder found no matches", level, buf.Len())
		}
		if n, _ := compare(t, buf.Bytes(), len(data)); n != len(data) {
			t.Fatalf("level %d: n=%d", level, n)
		}
	}
}

// TestTruncated cuts real streams at every offset (every 7th of the
// largest): each cut is an error
// (ErrTruncated, as no final block is complete) after bytes that are the
// stream's own.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"gzip9.gz", "stored.zz", "one.zz", "empty.zz", "fixed.zz"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		var body []byte
		if filepath.Ext(name) == ".gz" {
			body = gzipBody(t, b)
		} else {
			body = b[2:]
		}
		want := make([]byte, 1<<20)
		n, end, err := Decode(want, body)
		if err != nil {
			t.Fatal(err)
		}
		want = want[:n]
		dst := make([]byte, n)
		step := 1
		if name == "fixed.zz" {
			step = 7
		}
		for cut := 0; cut < end; cut += step {
			m, _, err := Decode(dst, body[:cut])
			if err != ErrTruncated || !bytes.Equal(dst[:m], want[:m]) {
				t.Fatalf("%s cut at %d: m=%d err=%v", name, cut, m, err)
			}
		}
		if name == "fixed.zz" { // the reference agrees on a sample
			for cut := 0; cut < end; cut += 97 {
				compare(t, body[:cut], n)
			}
		}
	}
}

// TestBitFlips flips single bits of real streams (all of the first 400
// bytes, where the dynamic header lives, then a sample) and compares the
// verdict with klauspost's.
func TestBitFlips(t *testing.T) {
	b, _ := os.ReadFile("testdata/gzip9.gz")
	for _, body := range [][]byte{gzipBody(t, b), zlibBody(t, "mem1.zz")[:3000], zlibBody(t, "stored.zz")[:200], zlibBody(t, "fixed.zz")[:2000]} {
		rnd := rand.New(rand.NewPCG(3, 4))
		bits := min(len(body), 400) * 8
		for i := range bits + 300 {
			bit := i
			if i >= bits {
				bit = rnd.IntN(len(body) * 8)
			}
			mut := bytes.Clone(body)
			mut[bit/8] ^= 1 << (bit % 8)
			compare(t, mut, 1<<17)
		}
	}
}

// TestZlibErrors mutates named fields of a real zlib stream.
func TestZlibErrors(t *testing.T) {
	src, _ := os.ReadFile("testdata/level6.zz")
	dst := make([]byte, 1<<20)
	mutate := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(src)) }
	for _, c := range []struct {
		name string
		src  []byte
		want error
	}{
		{"CM 7", mutate(func(b []byte) []byte { b[0] = b[0]&0xF0 | 7; return b }), ErrHeader},
		{"CINFO 8", mutate(func(b []byte) []byte { b[0] = 0x88; b[1] = 0x1C; return b }), ErrHeader}, // FCHECK valid
		{"FCHECK", mutate(func(b []byte) []byte { b[1]++; return b }), ErrHeader},
		{"FDICT", mutate(func(b []byte) []byte { b[1] = 0xBB; return b }), ErrDictionary}, // 0x78BB % 31 == 0
		{"Adler-32", mutate(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), ErrChecksum},
		{"no Adler-32", mutate(func(b []byte) []byte { return b[:len(b)-2] }), ErrTruncated},
		{"1 byte", src[:1], ErrTruncated},
		{"stored LEN/NLEN", func() []byte { b, _ := os.ReadFile("testdata/stored.zz"); b[5] ^= 1; return b }(), ErrCorrupt},
		{"block type 3", mutate(func(b []byte) []byte { b[2] |= 6; return b }), ErrCorrupt},
	} {
		if _, err := DecodeZlib(dst, c.src); !errors.Is(err, c.want) {
			t.Errorf("%s: err=%v, want %v", c.name, err, c.want)
		}
	}
}

func TestAdler32(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	p := make([]byte, 40000)
	for i := range p {
		p[i] = byte(rnd.Uint32())
	}
	for i := range p[:5000] { // the worst case for the sums: all 0xFF
		p[i] = 0xFF
	}
	for _, n := range []int{0, 1, 7, 8, 9, 5551, 5552, 5553, 11104, 11111, 40000} {
		for _, q := range [][]byte{p[:n], p[len(p)-n:]} {
			if got, want := adler32(q), stdadler32.Checksum(q); got != want {
				t.Fatalf("n=%d: %08x, want %08x", n, got, want)
			}
		}
	}
}

// setBits writes the n-bit value v at bit pos of b (DEFLATE's bit order:
// least significant bit first).
func setBits(b []byte, pos, n int, v uint) {
	for i := range n {
		p := pos + i
		b[p/8] = b[p/8]&^(1<<(p%8)) | byte(v>>i&1)<<(p%8)
	}
}

// TestHeaderFields mutates named fields of the dynamic header of gzip -9's
// first block: HLIT, HDIST, and HCLEN with the code-length code's lengths.
func TestHeaderFields(t *testing.T) {
	b, _ := os.ReadFile("testdata/gzip9.gz")
	body := gzipBody(t, b)
	if body[0]>>1&3 != 2 {
		t.Fatal("first block is not dynamic")
	}
	for _, c := range []struct {
		name      string
		pos, n    int
		v         uint
		wantError error
	}{
		{"HLIT 287 codes", 3, 5, 30, ErrCorrupt},
		{"HLIT 288 codes", 3, 5, 31, ErrCorrupt},
		{"HDIST 31 codes", 8, 5, 30, ErrCorrupt},
		{"HDIST 32 codes", 8, 5, 31, ErrCorrupt},
		// HCLEN 0 (four lengths: symbols 16, 17, 18, 0) and the lengths.
		{"code-length code over-subscribed", 13, 16, 1<<4 | 1<<7 | 1<<10, ErrCorrupt},
		{"code-length code of one 1-bit code", 13, 16, 1 << 13, ErrCorrupt},
		{"code-length code incomplete", 13, 16, 1<<4 | 2<<7, ErrCorrupt},
	} {
		mut := bytes.Clone(body)
		setBits(mut, c.pos, c.n, c.v)
		if _, err := compare(t, mut, 1<<17); err != c.wantError {
			t.Errorf("%s: err=%v, want %v", c.name, err, c.wantError)
		}
	}
}

// fixedBlock writes one final fixed-code block of the given symbols: a
// literal/length symbol, or for a length a pair {symbol, distance code}
// (no extra bits: lengths 3-10, distance codes 0-3).
func fixedBlock(syms ...[2]int) []byte {
	b := make([]byte, 64)
	pos := 0
	put := func(v uint, n int) { setBits(b, pos, n, v); pos += n }
	code := func(c uint, n int) { put(uint(reverse(int(c), n)), n) } // Huffman codes go most significant bit first
	put(1, 1)                                                        // BFINAL
	put(1, 2)                                                        // BTYPE 01
	for _, s := range syms {
		switch v := s[0]; {
		case v < 144:
			code(uint(0x30+v), 8)
		case v < 256:
			code(uint(0x190+v-144), 9)
		case v < 280:
			code(uint(v-256), 7)
		default:
			code(uint(0xC0+v-280), 8)
		}
		if s[0] > 256 {
			code(uint(s[1]), 5)
		}
	}
	return b[:(pos+7)/8]
}

// TestFixedSymbols checks the symbols that only a fixed block can hold:
// literal/length codes 286 and 287 and distance codes 30 and 31, and a
// distance past the output, with the reference's verdict.
func TestFixedSymbols(t *testing.T) {
	eob := [2]int{256, 0}
	// 'a', then length 3 at distance 1, then the end: "aaaa".
	if n, err := compare(t, fixedBlock([2]int{'a', 0}, [2]int{257, 0}, eob), 100); err != nil || n != 4 {
		t.Fatalf("control block: n=%d err=%v", n, err)
	}
	for name, syms := range map[string][][2]int{
		"literal/length 286": {{'a', 0}, {286, 0}, eob},
		"literal/length 287": {{'a', 0}, {287, 0}, eob},
		"distance code 30":   {{'a', 0}, {257, 30}, eob},
		"distance code 31":   {{'a', 0}, {257, 31}, eob},
		"distance 2 after 1": {{'a', 0}, {257, 1}, eob},
	} {
		if _, err := compare(t, fixedBlock(syms...), 100); err != ErrCorrupt {
			t.Errorf("%s: err=%v", name, err)
		}
	}
}
