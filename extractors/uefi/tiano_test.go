package uefi

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// original is one input of testdata/tiano/SHA256SUMS (edk2tools.sh).
type original struct {
	name, sha string
	size      int64
}

func originals(t testing.TB) map[string]original {
	b, err := os.ReadFile("testdata/tiano/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]original{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		n, _ := strconv.ParseInt(f[1], 10, 64)
		m[f[2]] = original{f[2], f[0], n}
	}
	return m
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// streams are the TianoCompress outputs: .tiano (-e) and .efi (-e --uefi).
var streams = []string{"text", "pe", "empty", "repeat", "random"}

func readStream(t testing.TB, name string) ([]byte, int64) {
	b, err := os.ReadFile(filepath.Join("testdata/tiano", name))
	if err != nil {
		t.Fatal(err)
	}
	return b, int64(binary.LittleEndian.Uint32(b[4:]))
}

// Every stream EDK II's TianoCompress wrote decodes to its input, byte for
// byte. decompressEFI, which EFI_SECTION_COMPRESSION uses, takes both
// algorithms: vendors put Tiano streams in those sections too.
func TestTianoCompressStreams(t *testing.T) {
	orig := originals(t)
	if len(orig) != 6 {
		t.Fatalf("%d originals", len(orig))
	}
	for _, name := range streams {
		o := orig[name]
		for _, ext := range []string{".tiano", ".efi"} {
			src, n := readStream(t, name+ext)
			if n != o.size {
				t.Fatalf("%s%s: header says %d bytes, input had %d", name, ext, n, o.size)
			}
			pbit := map[string]int{".tiano": 5, ".efi": 4}[ext]
			for _, dec := range []struct {
				what string
				f    func([]byte, int64) ([]byte, error)
			}{
				{"version", func(b []byte, n int64) ([]byte, error) { return decompressVersion(b, n, pbit) }},
				{"EFI section", decompressEFI},
			} {
				out, err := dec.f(src, n)
				if err != nil {
					t.Fatalf("%s%s (%s): %v", name, ext, dec.what, err)
				}
				if int64(len(out)) != o.size || sha(out) != o.sha {
					t.Errorf("%s%s (%s): %d bytes sha256 %s, want %d %s", name, ext, dec.what, len(out), sha(out), o.size, o.sha)
				}
			}
		}
		// The GUID-defined Tiano section is Tiano only.
		src, n := readStream(t, name+".tiano")
		if out, err := decompressTiano(src, n); err != nil || sha(out) != o.sha {
			t.Errorf("%s.tiano: %v", name, err)
		}
	}
}

// The compressed size and original size fields bound the decode.
func TestTianoHeaderFields(t *testing.T) {
	src, n := readStream(t, "text.tiano")
	if _, err := decompressTiano(src, n-1); err == nil {
		t.Error("original size disagreeing with the section: no error")
	}
	long := bytes.Clone(src)
	binary.LittleEndian.PutUint32(long, uint32(len(src)-7)) // CompSize one past the data
	if _, err := decompressTiano(long, n); err == nil {
		t.Error("compressed size past the end: no error")
	}
	if _, err := decompressTiano(src[:7], n); err == nil {
		t.Error("7-byte header: no error")
	}
}

// Cut streams (with CompSize set to the cut, so the decoder itself meets
// the end) fail or, when only the final padding bits went, still decode
// right; flipped bits fail or give the declared size. Never a panic.
func TestTianoDamage(t *testing.T) {
	orig := originals(t)
	for _, name := range []string{"text", "pe", "repeat", "random"} {
		for _, ext := range []string{".tiano", ".efi"} {
			src, n := readStream(t, name+ext)
			step := max(1, len(src)/60)
			for cut := 8; cut < len(src); cut += step {
				b := bytes.Clone(src[:cut])
				binary.LittleEndian.PutUint32(b, uint32(cut-8))
				out, err := decompressEFI(b, n)
				if err == nil && sha(out) != orig[name].sha {
					t.Fatalf("%s%s cut at %d: wrong output without error", name, ext, cut)
				}
			}
			rng := rand.New(rand.NewPCG(3, 4))
			for range 100 {
				b := bytes.Clone(src)
				i := 8 + rng.IntN(len(b)-8)
				b[i] ^= 1 << rng.IntN(8)
				out, err := decompressEFI(b, n)
				if err == nil && int64(len(out)) != n {
					t.Fatalf("%s%s bit flip at %d: %d bytes without error", name, ext, i, len(out))
				}
			}
		}
	}
}

// BenchmarkTiano decodes the largest output stream, the 96 KiB text, and
// the largest stream, 70000 incompressible bytes; set TIANOCOMPRESS to the
// C tool to time "TianoCompress -d" on the same inputs alongside.
func BenchmarkTiano(b *testing.B) {
	for _, name := range []string{"text.tiano", "random.tiano", "text.efi", "repeat.tiano"} {
		src, n := readStream(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(n)
			for b.Loop() {
				if _, err := decompressEFI(src, n); err != nil {
					b.Fatal(err)
				}
			}
		})
		tool := os.Getenv("TIANOCOMPRESS")
		if tool == "" {
			continue
		}
		b.Run(name+"/TianoCompress-d", func(b *testing.B) {
			b.SetBytes(n)
			out := filepath.Join(b.TempDir(), "out")
			args := []string{"-d", "-q", "-o", out, filepath.Join("testdata/tiano", name)}
			if strings.HasSuffix(name, ".efi") {
				args = append([]string{"-d", "--uefi"}, args[1:]...)
			}
			for b.Loop() {
				if err := exec.Command(tool, args...).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
