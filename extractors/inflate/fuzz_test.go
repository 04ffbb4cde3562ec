package inflate

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	kflate "github.com/klauspost/compress/flate"
)

// FuzzDecode decodes arbitrary bytes, and the fuzz bytes compressed by
// klauspost/compress/flate at a level the first byte picks, with ours and
// with klauspost's decoder: the same bytes and end when the reference
// succeeds, an error from ours when it fails (see compare). Output is
// capped at 1 MiB so each run stays cheap.
func FuzzDecode(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.zz")
	for _, name := range names {
		if b, err := os.ReadFile(name); err == nil && len(b) < 40000 {
			f.Add(b[2:])
		}
	}
	f.Add([]byte("the quick brown fox jumps over the lazy dog, the quick brown fox"))
	f.Fuzz(func(t *testing.T, in []byte) {
		compare(t, in, 1<<20)
		if len(in) == 0 {
			return
		}
		var buf bytes.Buffer
		w, err := kflate.NewWriter(&buf, int(in[0])%12-2) // -2 (Huffman only) to 9
		if err != nil {
			t.Fatal(err)
		}
		w.Write(in[1:])
		w.Close()
		if n, _ := compare(t, buf.Bytes(), len(in)); n != len(in)-1 {
			t.Fatalf("round trip: n=%d of %d", n, len(in)-1)
		}
	})
}

// FuzzStream streams arbitrary bytes, and the fuzz bytes compressed by
// klauspost/compress/flate, through a Reader whose input chunks and output
// reads the seed picks, and checks it against Decode (checkStream). Seeds
// are the fixtures' first 4 KiB; output is capped at 256 KiB.
func FuzzStream(f *testing.F) {
	names, _ := filepath.Glob("testdata/*.zz")
	for _, name := range names {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(uint64(len(b)), b[2:min(len(b), 4096)])
		}
	}
	f.Fuzz(func(t *testing.T, seed uint64, in []byte) {
		rnd := rand.New(rand.NewPCG(seed, 7))
		chunks := 1 + rnd.IntN(4000)
		wrap := func(r io.Reader) io.Reader { return &chunkReader{r, rnd, chunks} }
		readMax := rnd.IntN(40000)
		checkStream(t, in, 256<<10, wrap, rnd, readMax)
		if len(in) == 0 {
			return
		}
		var buf bytes.Buffer
		w, err := kflate.NewWriter(&buf, int(in[0])%12-2)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(in[1:])
		w.Close()
		checkStream(t, buf.Bytes(), len(in), wrap, rnd, readMax)
	})
}
