package lzma

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/fwstar/fwstar/samples"
	ulzma "github.com/ulikunitz/xz/lzma"
)

// BenchmarkDecode decodes a ~4 MB text and a binary stream (xz -6 as
// lzma-alone) with ours (flat and stream) and with ulikunitz.
func BenchmarkDecode(b *testing.B) {
	needXZ(b)
	text := bytes.Repeat(inputs(b)["text"], 10)
	bin, _ := os.ReadFile("/usr/bin/git")
	bin = bin[:min(len(bin), 4<<20)]
	for _, c := range []struct {
		name string
		in   []byte
	}{{"text", text}, {"binary", bin}} {
		lz := xzCmd(b, c.in, "--format=lzma", "-6")
		os.WriteFile(os.TempDir()+"/fwstar-lzma-bench-"+c.name+".lzma", lz, 0o644)
		out := make([]byte, len(c.in))
		b.Run(c.name+"/flat", func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				if _, err := DecodeAlone(out, lz, 1<<30); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/stream", func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				z, _ := NewReader(bytes.NewReader(lz), 1<<30)
				if _, err := io.Copy(io.Discard, z); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/ulikunitz", func(b *testing.B) {
			b.SetBytes(int64(len(c.in)))
			for b.Loop() {
				z, _ := ulzma.NewReader(bytes.NewReader(lz))
				if _, err := io.Copy(io.Discard, z); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKernel decodes the LZMA kernel of the OpenWrt corpus image (an
// lzma-alone stream at offset 512), whole-buffer and through the Reader as
// extractors/compress does; compare with `xz --format=lzma -dc`.
func BenchmarkKernel(b *testing.B) {
	img, err := os.ReadFile(samples.Corpus(b, "openwrt-15.05.1-tl-wr703n-factory.bin"))
	if err != nil {
		b.Fatal(err)
	}
	lz := img[512 : 512+1158814]
	h, err := ParseHeader(lz)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]byte, h.Size)
	b.Run("flat", func(b *testing.B) {
		b.SetBytes(h.Size)
		for b.Loop() {
			if _, err := DecodeAlone(out, lz, 1<<30); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(h.Size)
		for b.Loop() {
			z, _ := NewReader(bytes.NewReader(lz), 1<<30)
			if n, err := io.Copy(io.Discard, z); err != nil || n != h.Size {
				b.Fatal(n, err)
			}
		}
	})
}
