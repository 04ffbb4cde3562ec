package rar

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// setDict5 sets the dictionary field (bits 10-14 of the compression info) of
// the RAR 5 file header naming name to d, in place, and fixes the CRCs.
func setDict5(t *testing.T, img []byte, name string, d uint64) []byte {
	b := bytes.Clone(img)
	i := bytes.Index(b, append([]byte{byte(len(name))}, name...))
	// Before the name: compression info, host OS (1 byte), name length.
	// The info is a 2-byte vint in rar's headers (it has bits past 7).
	ci := i - 3
	v, n, ok := vint(b[ci:])
	if !ok || n != 2 {
		t.Fatalf("compression info at %d: %x", ci, b[ci:ci+3])
	}
	v = v&^0x7C00 | d<<10
	b[ci], b[ci+1] = byte(v)|0x80, byte(v>>7)
	fixCRC(b)
	return b
}

// A solid archive's dictionary is not capped by the file size: a header
// asking for 4 GB gets a FormatError naming the entry before it, without the
// allocation, and the entries before it are kept.
func TestDictionaryBomb(t *testing.T) {
	img := setDict5(t, sinktest.Fixture(t, "rar5-solid.rar"), "etc/passwd", 15) // 128 KiB << 15
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
	runtime.ReadMemStats(&after)
	var fe *extractors.FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "dictionary too large") || end != c.End {
		t.Fatalf("end %d err %v", end, err)
	}
	if len(s.Entries) == 0 || len(s.Entries) >= 16 {
		t.Errorf("%d entries kept", len(s.Entries))
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("allocated %d MB", d>>20)
	}
}

// Every cut, flipped byte or CRC-fixed mutation of a fixture extracts in
// time, without panic, ending inside the chunk.
func TestMutations(t *testing.T) {
	defer func(n int64) { maxDict = n }(maxDict)
	maxDict = 1 << 20
	img := sinktest.Fixture(t, "rar4-solid.rar")
	img5 := sinktest.Fixture(t, "rar5.rar")
	for i := range 400 {
		src := img
		if i%2 == 1 {
			src = img5
		}
		b := bytes.Clone(src)
		for k := range 1 + i%4 {
			b[(i*7919+k*104729)%len(b)] ^= byte(1 + (i+k)%255)
		}
		fixCRC(b)
		r := bytes.NewReader(b)
		c, err := Handler{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			continue
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		end, _ := Handler{}.Extract(context.Background(), r, c, s)
		if end != c.End {
			t.Fatalf("mutation %d: end %d, chunk %+v", i, end, c)
		}
	}
}
