package inflate

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// chunkReader returns 1 to max bytes per Read, as the seeded rnd picks.
type chunkReader struct {
	r   io.Reader
	rnd *rand.Rand
	max int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), 1+c.rnd.IntN(c.max))])
}

// streamAll decodes src with a Reader through the given input wrapper,
// reading the output by Read calls of 1 to readMax bytes (0: WriteTo).
func streamAll(src []byte, wrap func(io.Reader) io.Reader, rnd *rand.Rand, readMax int) ([]byte, int64, error) {
	z := NewReader(wrap(bytes.NewReader(src)))
	var out bytes.Buffer
	if readMax == 0 {
		_, err := z.WriteTo(&out)
		return out.Bytes(), z.Consumed(), err
	}
	p := make([]byte, readMax)
	for {
		n, err := z.Read(p[:1+rnd.IntN(readMax)])
		out.Write(p[:n])
		if err == io.EOF {
			return out.Bytes(), z.Consumed(), nil
		}
		if err != nil {
			return out.Bytes(), z.Consumed(), err
		}
	}
}

// compareStream checks that every way of streaming src gives Decode's
// verdict (see checkStream): whole, one-byte, half and random input reads,
// each output by WriteTo and by random Reads.
func compareStream(t *testing.T, src []byte, limit int, seed uint64) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(seed, 7))
	for _, wrap := range []func(io.Reader) io.Reader{
		func(r io.Reader) io.Reader { return r },
		iotest.OneByteReader,
		iotest.HalfReader,
		func(r io.Reader) io.Reader { return &chunkReader{r, rnd, 1 + rnd.IntN(3000)} },
	} {
		for _, readMax := range []int{0, 1 + rnd.IntN(70000)} {
			checkStream(t, src, limit, wrap, rnd, readMax)
		}
	}
}

// checkStream streams src one way and checks it against Decode: its bytes
// and end when it succeeds, the same error when it fails (the bytes
// streamed before it being Decode's).
func checkStream(t *testing.T, src []byte, limit int, wrap func(io.Reader) io.Reader, rnd *rand.Rand, readMax int) {
	t.Helper()
	dst := make([]byte, limit)
	n, end, derr := Decode(dst, src)
	if derr == ErrTooBig {
		return // the window has no such bound
	}
	out, consumed, err := streamAll(src, wrap, rnd, readMax)
	if !bytes.Equal(out, dst[:min(n, len(out))]) || len(out) > n {
		t.Fatalf("read max %d: %d bytes differ from Decode's %d", readMax, len(out), n)
	}
	if err != derr || (err == nil && (len(out) != n || consumed != int64(end))) {
		t.Fatalf("read max %d: n=%d consumed=%d err=%v; Decode n=%d end=%d err=%v", readMax, len(out), consumed, err, n, end, derr)
	}
}

func TestStreamFixtures(t *testing.T) {
	names, _ := filepath.Glob("testdata/*.zz")
	for i, name := range append(names, "testdata/raw.deflate", "testdata/gzip1.gz", "testdata/gzip9.gz") {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(name) {
		case ".zz":
			b = b[2:]
		case ".gz":
			b = gzipBody(t, b)
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			n, _ := compare(t, b, 1<<20) // Decode is klauspost's
			compareStream(t, b, n, uint64(i))
			// Bytes after the stream are not consumed.
			compareStream(t, append(b[:len(b):len(b)], 9, 9, 9, 9), n, uint64(i))
		})
	}
}

// TestStreamTruncated cuts real streams at many offsets: each cut is
// ErrTruncated after bytes that are Decode's, however the input comes.
func TestStreamTruncated(t *testing.T) {
	for _, name := range []string{"gzip9.gz", "stored.zz", "one.zz", "fixed.zz", "mem1.zz"} {
		b, _ := os.ReadFile(filepath.Join("testdata", name))
		if filepath.Ext(name) == ".gz" {
			b = gzipBody(t, b)
		} else {
			b = b[2:]
		}
		_, end, err := Decode(make([]byte, 1<<20), b)
		if err != nil {
			t.Fatal(err)
		}
		step := max(1, end/120)
		for cut := 0; cut < end; cut += step {
			compareStream(t, b[:cut], 1<<20, uint64(cut))
			if _, _, err := streamAll(b[:cut], iotest.HalfReader, nil, 0); err != ErrTruncated {
				t.Fatalf("%s cut at %d: %v", name, cut, err)
			}
		}
	}
}

// TestStreamRandom compares streaming and Decode on random streams: the
// standard library's encoder at every level over random mixes of text and
// noise, and the same bytes with bits flipped.
func TestStreamRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(8, 9))
	text, _ := os.ReadFile("inflate.go")
	for i := range 60 {
		var data []byte
		for len(data) < 1+rnd.IntN(400000) {
			if rnd.IntN(2) == 0 {
				j := rnd.IntN(len(text))
				data = append(data, text[j:min(len(text), j+rnd.IntN(3000))]...)
			} else {
				for range rnd.IntN(2000) {
					data = append(data, byte(rnd.Uint32()))
				}
			}
		}
		var buf bytes.Buffer
		w, _ := flate.NewWriter(&buf, i%11-2)
		w.Write(data)
		w.Close()
		src := buf.Bytes()
		compareStream(t, src, len(data), uint64(i))
		for range 3 {
			mut := bytes.Clone(src)
			mut[rnd.IntN(len(mut))] ^= 1 << rnd.IntN(8)
			compareStream(t, mut, len(data), uint64(i))
		}
	}
}

// TestStreamLong decodes 48 MiB (a real file repeated, with a random 32 KiB
// block repeated in between so that matches reach 32768 bytes back across
// many window slides) and compares it with the input.
func TestStreamLong(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	text, err := os.ReadFile("/usr/lib/x86_64-linux-gnu/libc.so.6")
	if err != nil {
		t.Skip(err)
	}
	rnd := rand.New(rand.NewPCG(10, 11))
	block := make([]byte, history)
	for i := range block {
		block[i] = byte(rnd.Uint32())
	}
	var data []byte
	for len(data) < 48<<20 {
		data = append(data, text[:rnd.IntN(len(text))]...)
		for range 1 + rnd.IntN(4) {
			data = append(data, block...)
		}
	}
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, 6)
	w.Write(data)
	w.Close()
	src := append(buf.Bytes(), "trailer"...)
	for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.HalfReader} {
		out, consumed, err := streamAll(src, wrap, rnd, 0)
		if err != nil || !bytes.Equal(out, data) || consumed != int64(buf.Len()) {
			t.Fatalf("err=%v n=%d of %d consumed=%d of %d", err, len(out), len(data), consumed, buf.Len())
		}
	}
}

// TestStreamReset reuses a Reader on two streams and checks its errors
// stay put.
func TestStreamReset(t *testing.T) {
	b, _ := os.ReadFile("testdata/level9.zz")
	want := make([]byte, 1<<20)
	n, end, _ := Decode(want, b[2:])
	z := NewReader(bytes.NewReader([]byte{0xFF}))
	if _, err := io.ReadAll(z); err != ErrCorrupt {
		t.Fatalf("block type 3: %v", err)
	}
	if _, err := z.Read(make([]byte, 10)); err != ErrCorrupt {
		t.Fatalf("not sticky: %v", err)
	}
	for range 2 {
		z.Reset(bytes.NewReader(b[2:]))
		got, err := io.ReadAll(z)
		if err != nil || !bytes.Equal(got, want[:n]) || z.Consumed() != int64(end) {
			t.Fatalf("after Reset: err=%v n=%d consumed=%d", err, len(got), z.Consumed())
		}
	}
	// The input's own error comes through.
	z.Reset(iotest.ErrReader(errors.New("disk")))
	if _, err := z.WriteTo(io.Discard); err == nil || err.Error() != "disk" {
		t.Fatalf("input error: %v", err)
	}
}
