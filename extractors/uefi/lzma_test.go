package uefi

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"testing"
)

// xz's x86 BCJ + raw LZMA1 stream of /usr/bin/true (testdata/gen.sh), given
// the lzma-alone header an LZMAF86 section carries: the output must be the
// original file.
func TestLZMAF86(t *testing.T) {
	raw, err := os.ReadFile("testdata/bcj-x86.lzma1")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("testdata/bcj-x86.sha256")
	sizeText, _ := os.ReadFile("testdata/bcj-x86.size")
	size, _ := strconv.Atoi(strings.TrimSpace(string(sizeText)))
	hdr := make([]byte, 13)
	hdr[0] = 0x5D                                 // lc=3 lp=0 pb=2
	binary.LittleEndian.PutUint32(hdr[1:], 8<<20) // preset 6 dictionary
	binary.LittleEndian.PutUint64(hdr[5:], uint64(size))
	out, err := decompressLZMA(append(hdr, raw...), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	unBCJx86(out)
	sum := sha256.Sum256(out)
	if got := hex.EncodeToString(sum[:]); got != strings.TrimSpace(string(want)) {
		t.Errorf("sha256 %s, want %s (%d bytes)", got, want, len(out))
	}
}
