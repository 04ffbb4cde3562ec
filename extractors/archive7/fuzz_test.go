package archive7

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// mutate changes a few bytes of an archive and fixes both header CRCs, so
// that the change reaches the header parser instead of Identify's checks.
func mutate(img []byte, rng *rand.Rand) []byte {
	b := bytes.Clone(img)
	for range 1 + rng.IntN(4) {
		b[signatureHeaderSize+rng.IntN(len(b)-signatureHeaderSize)] = byte(rng.IntN(256))
	}
	fixCRC(b)
	return b
}

func fixCRC(b []byte) {
	if len(b) < signatureHeaderSize {
		return
	}
	le := binary.LittleEndian
	off, size := le.Uint64(b[12:]), le.Uint64(b[20:])
	if off < uint64(len(b)) && size <= uint64(len(b))-signatureHeaderSize-off {
		h := b[signatureHeaderSize+off : signatureHeaderSize+off+size]
		le.PutUint32(b[28:], crc32.ChecksumIEEE(h))
	}
	le.PutUint32(b[8:], crc32.ChecksumIEEE(b[12:32]))
}

func seeds(f *testing.F) {
	sinktest.Seeds(f, 0, "*.7z")
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fixCRC(b)
		sinktest.CheckIdentify(t, SevenZip{}, b, false)
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fixCRC(b)
		r := bytes.NewReader(b)
		c, err := SevenZip{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		end, _ := SevenZip{}.Extract(ctx, r, c, s)
		if end < c.Start || end > int64(len(b)) {
			t.Fatalf("end %d outside [%d, %d]", end, c.Start, len(b))
		}
	})
}
