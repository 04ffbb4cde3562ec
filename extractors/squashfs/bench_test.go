package squashfs

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/samples"
)

// discard is a Sink that hashes nothing, so the benchmark times the reader.
type discard struct{}

func (discard) Dir(string, extractors.Meta) error { return nil }
func (discard) File(_ string, _ extractors.Meta, r io.Reader) error {
	_, err := io.Copy(io.Discard, r)
	return err
}
func (discard) Hardlink(string, string) error                 { return nil }
func (discard) Symlink(string, string, extractors.Meta) error { return nil }
func (discard) Special(string, extractors.Meta) error         { return nil }
func (discard) Blob(_ string, r io.Reader) error              { _, err := io.Copy(io.Discard, r); return err }
func (discard) Note(string, string)                           {}

func benchExtract(b *testing.B, file string, off int64) {
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	r := bytes.NewReader(data)
	c, err := Handler{}.Identify(r, off, int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.End - c.Start)
	for b.Loop() {
		if _, err := (Handler{}).Extract(context.Background(), r, c, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractOpenWrt reads the OpenWrt 15.05.1 root (xz, 739 files);
// compare with `unsquashfs -o 1159328 -d x IMAGE` on the same image.
func BenchmarkExtractOpenWrt(b *testing.B) {
	benchExtract(b, samples.Corpus(b, "openwrt-15.05.1-tl-wr703n-factory.bin"), 0x11B0A0)
}

func BenchmarkExtractDDWRT(b *testing.B) {
	benchExtract(b, samples.Corpus(b, "ddwrt-v24-mini-generic.trx.bin"), 0xE18E0)
}

// BenchmarkExtractOld reads 3.x fixtures of the real old mksquashfs: the
// largest (uncompressed) and a zlib big-endian one; compare with the era's
// unsquashfs (3.3's, see oldtools.sh) on the same files.
func BenchmarkExtractOld(b *testing.B) {
	for _, name := range []string{"v30-le-raw", "v33-be"} {
		b.Run(name, func(b *testing.B) { benchExtract(b, "testdata/"+name+".sqfs", 0) })
	}
}

// BenchmarkExtractIoTCTF reads a gzip image of 27 entries and 8.4 MB;
// compare with `unsquashfs -d x IMAGE`.
func BenchmarkExtractIoTCTF(b *testing.B) {
	benchExtract(b, samples.Corpus(b, "iotctf2020-web2.squashfs"), 0)
}
