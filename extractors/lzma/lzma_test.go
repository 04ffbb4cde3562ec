package lzma

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"testing"

	ulzma "github.com/ulikunitz/xz/lzma"
)

// inputs are the plain data the differential tests compress with xz-utils.
func inputs(t testing.TB) map[string][]byte {
	m := map[string][]byte{"empty": nil, "zeros": make([]byte, 300<<10)}
	r := rand.New(rand.NewSource(1))
	rnd := make([]byte, 200<<10)
	r.Read(rnd)
	m["random"] = rnd
	var text bytes.Buffer
	for i := 0; text.Len() < 400<<10; i++ {
		fmt.Fprintf(&text, "line %d: the quick brown fox %x jumps over %d lazy dogs\n", i, i*7919, i%13)
	}
	m["text"] = text.Bytes()
	for _, p := range []string{"/usr/bin/xz", "/bin/sh", "/usr/bin/git"} {
		if b, err := os.ReadFile(p); err == nil {
			m["bin-"+p[len(p)-2:]] = b[:min(len(b), 1<<20)]
		}
	}
	return m
}

func xzCmd(t testing.TB, in []byte, args ...string) []byte {
	cmd := exec.Command("xz", append([]string{"-c", "-T1"}, args...)...)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz %v: %v", args, err)
	}
	return out
}

func needXZ(t testing.TB) {
	if _, err := exec.LookPath("xz"); err != nil {
		t.Skip("xz-utils not installed")
	}
}

// TestXZUtils decodes what xz-utils encodes, in every format and setting we
// read, with ours and with ulikunitz, and compares with the original.
func TestXZUtils(t *testing.T) {
	needXZ(t)
	opts := []string{"-0", "-1", "-3", "-6", "-9", "-6e", "-0e",
		"--lzma1=preset=6,lc=0,lp=0,pb=0", "--lzma1=preset=6,lc=1,lp=2,pb=2", "--lzma1=preset=6,lc=4,lp=0,pb=4",
		"--lzma1=preset=6,lc=0,lp=4,pb=0", "--lzma1=dict=4KiB,lc=3,lp=0,pb=2", "--lzma1=preset=1,dict=64KiB,mode=fast"}
	reused := new(Reader) // Reset from stream to stream, each time after a truncated one
	for name, in := range inputs(t) {
		want := sha256.Sum256(in)
		for _, o := range opts {
			lz := xzCmd(t, in, "--format=lzma", o)
			out := make([]byte, len(in))
			n, err := DecodeAlone(out, lz, 1<<30)
			if err != nil || sha256.Sum256(out[:n]) != want {
				t.Errorf("%s %s: DecodeAlone: n=%d err=%v", name, o, n, err)
			}
			z, err := NewReader(bytes.NewReader(lz), 1<<30)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(z)
			if err != nil || sha256.Sum256(got) != want || z.InputOffset() != int64(len(lz)) {
				t.Errorf("%s %s: Reader: n=%d err=%v consumed %d of %d", name, o, len(got), err, z.InputOffset(), len(lz))
			}
			if err := reused.Reset(bytes.NewReader(lz), 1<<30); err != nil {
				t.Fatal(err)
			}
			got2, err := io.ReadAll(reused)
			if err != nil || !bytes.Equal(got2, got) || reused.InputOffset() != int64(len(lz)) {
				t.Errorf("%s %s: reused Reader: n=%d err=%v consumed %d of %d", name, o, len(got2), err, reused.InputOffset(), len(lz))
			}
			if reused.Reset(bytes.NewReader(lz[:len(lz)/2]), 1<<30) == nil {
				if _, err := io.ReadAll(reused); err == nil && len(in) > 0 {
					t.Errorf("%s %s: half a stream decoded", name, o)
				}
			}
			ur, _ := ulzma.NewReader(bytes.NewReader(lz))
			if ug, err := io.ReadAll(ur); err != nil || !bytes.Equal(ug, got) {
				t.Errorf("%s %s: ulikunitz differs: %v", name, o, err)
			}
			// The same stream with its size in the header and no end marker
			// would need an encoder; a stated size with the marker is what
			// squashfs writes.
			sized := bytes.Clone(lz)
			for i := 0; i < 8; i++ {
				sized[5+i] = byte(uint64(len(in)) >> (8 * i))
			}
			if n, err := DecodeAlone(out, sized, 1<<30); err != nil || sha256.Sum256(out[:n]) != want {
				t.Errorf("%s %s: sized: n=%d err=%v", name, o, n, err)
			}
			if len(in) > 0 {
				if _, err := DecodeAlone(out[:len(in)-1], lz, 1<<30); !errors.Is(err, ErrTooBig) {
					t.Errorf("%s %s: short buffer: %v", name, o, err)
				}
				if _, err := DecodeAlone(out, lz[:len(lz)-1], 1<<30); err == nil {
					t.Errorf("%s %s: truncated stream decoded", name, o)
				}
			}
			xo := o
			if xo[0] == '-' && xo[1] == '-' {
				xo = "--lzma2=" + xo[len("--lzma1="):]
			}
			x := xzCmd(t, in, "--check=crc32", xo)
			if n, err := DecodeXZ(out, x, 1<<30); err != nil || sha256.Sum256(out[:n]) != want {
				t.Errorf("%s %s: DecodeXZ: n=%d err=%v", name, xo, n, err)
			}
		}
	}
}
