package rar

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// fixCRC recomputes the header CRCs of every block that still parses, so
// that mutations reach the library's header and data decoding instead of
// stopping at Identify's checks.
func fixCRC(b []byte) {
	le := binary.LittleEndian
	switch {
	case len(b) >= len(sig5) && string(b[:len(sig5)]) == string(sig5):
		for p := len(sig5); p+7 <= len(b); {
			hsize, n, ok := vint(b[p+4:])
			if !ok || hsize < 2 || uint64(len(b)-p-4-n) < hsize {
				return
			}
			h := b[p+4 : p+4+n+int(hsize)]
			le.PutUint32(b[p:], crc32.ChecksumIEEE(h))
			blk, err := readBlock5(bytes.NewReader(b), int64(p), int64(len(b)))
			if err != nil {
				return
			}
			p = int(blk.end)
		}
	case len(b) >= len(sig4) && string(b[:len(sig4)]) == string(sig4):
		for p := len(sig4); p+7 <= len(b); {
			hsize := int(le.Uint16(b[p+5:]))
			if hsize < 7 || hsize > len(b)-p {
				return
			}
			le.PutUint16(b[p:], uint16(crc32.ChecksumIEEE(b[p+2:p+hsize])))
			blk, err := readBlock4(bytes.NewReader(b), int64(p), int64(len(b)))
			if err != nil {
				return
			}
			p = int(blk.end)
		}
	}
}

func seeds(f *testing.F) {
	sinktest.Seeds(f, 0, "*.rar")
	maxDict = 1 << 20 // keeps each run cheap; the fixtures need 128 KiB
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fixCRC(b)
		sinktest.CheckIdentify(t, Handler{}, b, false)
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	parallelMin = 0 // the two-half read too
	f.Fuzz(func(t *testing.T, b []byte) {
		fixCRC(b)
		sinktest.CheckExtract(t, Handler{}, b)
	})
}
