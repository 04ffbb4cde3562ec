package uefi

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// FuzzExtract is seeded with the NVRAM fixture, the edk2 BaseTools volume
// and, when the corpus is present, its SEC volume and a volume nesting it
// twice.
func FuzzExtract(f *testing.F) {
	for _, n := range []string{"vars-ms.fd", "edk2.fv"} {
		if b, err := os.ReadFile("testdata/" + n); err == nil {
			f.Add(b)
		}
	}
	if _, err := os.Stat(filepath.Join(samples.CorpusDir(), "debian12-ovmf-x64.fd")); err == nil {
		sec := secVolume(f)
		f.Add(sec)
		f.Add(wrap(sec, wrap(sec, sec)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		if c.End <= 0 || c.End > int64(len(b)) {
			t.Fatalf("bad chunk [0,%d) of %d", c.End, len(b))
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 4 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		Handler{}.Extract(ctx, r, c, s)
	})
}

// FuzzDecompress runs the EFI/Tiano and LZMA decoders on arbitrary input,
// seeded with TianoCompress's small streams (the sizes their headers say).
func FuzzDecompress(f *testing.F) {
	f.Add([]byte{8, 0, 0, 0, 16, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, uint32(16))
	f.Add([]byte{0x5D, 0, 0, 0x40, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}, uint32(16))
	for _, n := range []string{"pe", "repeat", "empty"} {
		for _, ext := range []string{".tiano", ".efi"} {
			if b, err := os.ReadFile("testdata/tiano/" + n + ext); err == nil && len(b) >= 8 {
				f.Add(b, binary.LittleEndian.Uint32(b[4:]))
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, n uint32) {
		n = min(n, 1<<18) // keeps each run short; the walker has its budget
		decompressEFI(b, int64(n))
		decompressTiano(b, int64(n))
		decompressLZMA(b, 1<<20)
		unBCJx86(bytes.Clone(b))
	})
}

// FuzzCapsule runs the capsule handler on the edk2 capsules and mutations.
func FuzzCapsule(f *testing.F) {
	for _, n := range []string{"capsule-efi.cap", "capsule-fmp.cap", "capsule-fmp-signed.cap", "capsule-fmp-multi.cap", "capsule-ux.cap"} {
		if b, err := os.ReadFile("testdata/" + n); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sinktest.CheckExtract(t, Capsule{}, b)
	})
}
