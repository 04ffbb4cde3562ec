package lzma

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os/exec"
	"testing"

	txz "github.com/therootcompany/xz"
	ulzma "github.com/ulikunitz/xz/lzma"
)

// FuzzDecode decodes lzma-alone input with ours and with ulikunitz: both must
// give the same bytes or both fail. The header's dictionary and size are
// bounded so that each run stays small.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x5D, 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0x30, 0x98, 0x88, 0x5C, 0x7B, 0xFF, 0xFC, 0, 0, 0})
	if _, err := exec.LookPath("xz"); err == nil {
		seed := []byte("fwstar lzma fuzz seed: abcabcabcabc the quick brown fox jumps over the lazy dog 0123456789 abcabc")
		for _, o := range []string{"dict=64KiB", "dict=64KiB,lc=0,lp=2,pb=0", "dict=4KiB,lc=4,lp=0,pb=4", "dict=64KiB,mode=fast"} {
			f.Add(xzCmd(f, seed, "--format=lzma", "--lzma1="+o))
			f.Add(xzCmd(f, longSeed(), "--format=lzma", "--lzma1="+o))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < HeaderLen || binary.LittleEndian.Uint32(in[1:]) > 1<<16 {
			return
		}
		// A stated size of 0: ulikunitz still demands a symbol, liblzma
		// (and ours) accept the empty stream; that case is left out.
		if s := int64(binary.LittleEndian.Uint64(in[5:])); s > 1<<16 || s < -1 || s == 0 {
			return
		}
		out := make([]byte, 1<<17)
		n, err := DecodeAlone(out, in, 1<<16)
		ur, uerr := ulzma.NewReader(bytes.NewReader(in))
		var want []byte
		if uerr == nil {
			want, uerr = io.ReadAll(io.LimitReader(ur, 1<<17+1))
		}
		if (err == nil) != (uerr == nil) || (err == nil && !bytes.Equal(out[:n], want)) {
			t.Fatalf("ours n=%d err=%v, ulikunitz n=%d err=%v", n, err, len(want), uerr)
		}
	})
}

// longSeed is a seed long enough for the assembly loop, which stops
// fastMargin bytes before the end: numbers that repeat at many distances
// (literals, matches, reps) and a run of zeros (overlapping copies).
func longSeed() []byte {
	var b []byte
	for i := 0; len(b) < 3000; i++ {
		b = fmt.Appendf(b, "%d:%x ", i%97, i*i*7919)
	}
	return append(b, make([]byte, 300)...)
}

// FuzzDecodeXZ decodes .xz input with ours and with therootcompany/xz (a
// port of XZ Embedded): what ours accepts, theirs must decode to the same
// bytes. (Theirs also reads concatenated streams and filter chains, which
// ours leaves to it, so a refusal of ours proves nothing.)
func FuzzDecodeXZ(f *testing.F) {
	if _, err := exec.LookPath("xz"); err == nil {
		for _, args := range [][]string{{"-0"}, {"-6", "--check=crc32"}, {"--check=sha256"}, {"--check=none"}} {
			f.Add(xzCmd(f, []byte("fwstar xz fuzz seed: the quick brown fox jumps over the lazy dog, twice, twice"), args...))
			f.Add(xzCmd(f, longSeed(), args...))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := make([]byte, 1<<17)
		n, err := DecodeXZ(out, in, 1<<16)
		if err != nil {
			return
		}
		xr, err := txz.NewReader(bytes.NewReader(in), 1<<16)
		if err != nil {
			t.Fatalf("ours decoded %d bytes, theirs refused the header: %v", n, err)
		}
		want, err := io.ReadAll(io.LimitReader(xr, 1<<17+1))
		if err != nil || !bytes.Equal(out[:n], want) {
			t.Fatalf("ours %d bytes, theirs %d bytes, %v", n, len(want), err)
		}
	})
}

// FuzzDecodeLZMA2 decodes raw LZMA2 chunks (what squashfs's xz blocks hold,
// without the .xz container's checksums, which stop mutations early) with
// ours and with ulikunitz: what ours accepts, theirs must decode to the same
// bytes. (Theirs takes the input's end for the stream's end wherever it
// falls, even after a chunk header, so a refusal of ours proves nothing.)
func FuzzDecodeLZMA2(f *testing.F) {
	if _, err := exec.LookPath("xz"); err == nil {
		for _, o := range []string{"dict=64KiB", "dict=64KiB,lc=0,lp=2,pb=0", "dict=4KiB,mode=fast"} {
			f.Add(xzCmd(f, longSeed(), "--format=raw", "--lzma2="+o))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := make([]byte, 1<<17)
		n, _, err := DecodeLZMA2(out, in, 1<<16)
		if err != nil {
			return
		}
		ur, err := ulzma.Reader2Config{DictCap: 1 << 16}.NewReader2(bytes.NewReader(in))
		if err != nil {
			t.Fatalf("ours decoded %d bytes, theirs refused: %v", n, err)
		}
		want, err := io.ReadAll(io.LimitReader(ur, 1<<17+1))
		if err != nil || !bytes.Equal(out[:n], want) {
			t.Fatalf("ours %d bytes, theirs %d bytes, %v", n, len(want), err)
		}
	})
}
