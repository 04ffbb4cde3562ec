package fwheader

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// bigBuffaloEnc is a 1 MiB encrypted image: buffalo.enc's header with the
// data length changed, over the fixture's plain text repeated. Encrypting is
// the same XOR as decrypting; buffalo-enc -d accepts the result (the figures
// in the report come from it). FWSTAR_BUFFALO_IMAGE names a file to use instead.
func bigBuffaloEnc(b *testing.B) []byte {
	if p := os.Getenv("FWSTAR_BUFFALO_IMAGE"); p != "" {
		img, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return img
	}
	enc := sinktest.Fixture(b, "buffalo.enc")
	s, _, _, err := sinktest.Extract(b, BuffaloEnc{}, enc, true)
	if err != nil {
		b.Fatal(err)
	}
	plain := bytes.Repeat(s.Content["decrypted"], (1<<20)/5036+1)[:1<<20]
	img := bytes.Clone(enc[:38])
	binary.BigEndian.PutUint32(img[34:], uint32(len(plain)))
	data := make([]byte, len(plain))
	newRC4(img[33-5], 256).xor(data, plain) // the data seed: the first encrypted version byte
	img = append(img, data...)
	img = binary.BigEndian.AppendUint32(img, buffaloCsum(uint32(len(plain)), plain))
	return append(img, make([]byte, 4-len(img)%4)...)
}

// discard is a Sink that drains blobs, so the benchmark times the handler.
type discard struct{}

func (discard) Dir(string, extractors.Meta) error             { return nil }
func (discard) File(string, extractors.Meta, io.Reader) error { return nil }
func (discard) Hardlink(string, string) error                 { return nil }
func (discard) Symlink(string, string, extractors.Meta) error { return nil }
func (discard) Special(string, extractors.Meta) error         { return nil }
func (discard) Note(string, string)                           {}
func (discard) Blob(_ string, r io.Reader) error              { _, err := io.Copy(io.Discard, r); return err }

func BenchmarkBuffaloEncDecrypt(b *testing.B) {
	img := bigBuffaloEnc(b)
	r := bytes.NewReader(img)
	c, err := BuffaloEnc{}.Identify(r, 0, int64(len(img)))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.End)
	for b.Loop() {
		if _, err := (BuffaloEnc{}).Extract(context.Background(), r, c, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}
