package uefi

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// The hostile cases mutate one named field of a real volume, edk2's SEC
// volume of the OVMF corpus image (0x1CC000, 0x34000 bytes).
func secVolume(t testing.TB) []byte {
	b, err := os.ReadFile(samples.Corpus(t, "debian12-ovmf-x64.fd"))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(b[0x1CC000:0x200000])
}

// fixHeaderSum recomputes a volume header's checksum after a mutation.
func fixHeaderSum(v []byte) {
	hl := int(binary.LittleEndian.Uint16(v[0x30:]))
	binary.LittleEndian.PutUint16(v[0x32:], 0)
	var sum uint16
	for i := 0; i < hl; i += 2 {
		sum += binary.LittleEndian.Uint16(v[i:])
	}
	binary.LittleEndian.PutUint16(v[0x32:], -sum)
}

// wrap puts a volume into an FV_IMAGE section of an FV_IMAGE file of a new
// volume whose header is the template's with the length and block map set
// (PI vol. 3: header checksum, file header checksum, fixed data checksum).
func wrap(tmpl, inner []byte) []byte {
	sec := make([]byte, 4, 4+len(inner))
	sec[0], sec[1], sec[2], sec[3] = byte(len(inner)+4), byte((len(inner)+4)>>8), byte((len(inner)+4)>>16), secFVImage
	sec = append(sec, inner...)
	file := make([]byte, ffsHeader, ffsHeader+len(sec))
	copy(file, "fwstar-nest-guid")
	size := ffsHeader + len(sec)
	file[0x12], file[0x13] = ftFVImage, 0
	file[0x14], file[0x15], file[0x16] = byte(size), byte(size>>8), byte(size>>16)
	var sum byte
	for i, c := range file {
		if i != 0x11 && i != 0x17 {
			sum += c
		}
	}
	file[0x10] = -sum
	file[0x11] = ffsFixedSum
	file[0x17] = ^byte(stHeaderConstruction | stHeaderValid | stDataValid) // erase polarity 1
	file = append(file, sec...)
	hl := int(binary.LittleEndian.Uint16(tmpl[0x30:]))
	v := append(bytes.Clone(tmpl[:hl]), file...)
	for len(v)%8 != 0 {
		v = append(v, 0xFF)
	}
	binary.LittleEndian.PutUint64(v[0x20:], uint64(len(v)))
	binary.LittleEndian.PutUint16(v[0x34:], 0) // no extended header
	binary.LittleEndian.PutUint32(v[0x38:], uint32(len(v)))
	binary.LittleEndian.PutUint32(v[0x3C:], 1)
	binary.LittleEndian.PutUint64(v[0x40:], 0) // block map terminator
	fixHeaderSum(v)
	return v
}

func walk(b []byte) (*walker, *sinktest.Sink, error) {
	s := sinktest.NewSink(false)
	s.MaxBytes = 16 << 20
	w := &walker{ctx: context.Background(), dst: s, names: map[string]int{}}
	err := w.volume(b, 0, "fv")
	return w, s, err
}

func TestNesting(t *testing.T) {
	sec := secVolume(t)
	v := sec
	for range 3 {
		v = wrap(sec, v)
	}
	w, _, err := walk(v)
	if err != nil || w.stats.PE != 1 || w.stats.Volumes != 4 || len(w.problems) != 0 {
		t.Fatalf("3 levels: %+v %v %v", w.stats, w.problems, err)
	}
	// 50 levels: the walk stops at the depth limit, reports it, no panic.
	for range 47 {
		v = wrap(sec, v)
	}
	w, _, err = walk(v)
	if err != nil || w.stats.PE != 0 || len(w.problems) != 1 || !strings.Contains(w.problems[0], "nesting deeper") {
		t.Fatalf("50 levels: %+v %v %v", w.stats, w.problems, err)
	}
}

func TestHostileVolume(t *testing.T) {
	sec := secVolume(t)
	le := binary.LittleEndian
	tests := []struct {
		name    string
		mutate  func(v []byte) []byte
		notMine bool   // Identify refuses it
		problem string // else the walk reports this
		pe      int
	}{
		{name: "FvLength past the end", mutate: func(v []byte) []byte {
			le.PutUint64(v[0x20:], 1<<40)
			le.PutUint32(v[0x3C:], 1<<28) // keep the block map in agreement
			fixHeaderSum(v)
			return v
		}, notMine: true},
		{name: "header checksum", mutate: func(v []byte) []byte { v[0x32]++; return v }, notMine: true},
		{name: "HeaderLength into the files", mutate: func(v []byte) []byte {
			le.PutUint16(v[0x30:], 0xFFFE)
			return v
		}, notMine: true},
		{name: "first file size past the volume", mutate: func(v []byte) []byte {
			f := 0x78 // the first file, after the 0x48 header and the 0x14+pad extended header
			v[f+0x14], v[f+0x15], v[f+0x16] = 0xFF, 0xFF, 0xFE
			return v
		}, problem: "size 16711679"},
		{name: "extended header offset into itself", mutate: func(v []byte) []byte {
			le.PutUint16(v[0x34:], 0x10)
			fixHeaderSum(v)
			return v
		}, problem: "extended header at 0x10"},
		{name: "truncated volume", mutate: func(v []byte) []byte { return v[:len(v)/2] }, notMine: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.mutate(bytes.Clone(sec))
			c, err := Handler{}.Identify(bytes.NewReader(v), 0, int64(len(v)))
			if tt.notMine {
				if !errors.Is(err, extractors.ErrNotFormat) {
					t.Fatalf("Identify: %v, want ErrNotFormat", err)
				}
				w, _, err := walk(v) // the walker alone must cope too
				if err != nil || w.stats.PE != 0 && tt.name != "truncated volume" {
					t.Errorf("walk: %+v %v", w.stats, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := sinktest.NewSink(false)
			_, err = Handler{}.Extract(context.Background(), bytes.NewReader(v), c, s)
			var fe *extractors.FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("Extract: %v, want a FormatError with %q", err, tt.problem)
			}
		})
	}
}

// An LZMA section that declares 2^40 bytes must not allocate them.
func TestLZMABomb(t *testing.T) {
	hdr := []byte{0x5D, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 1, 0, 0}
	if _, err := decompressLZMA(append(hdr, make([]byte, 64)...), 1<<20); err == nil {
		t.Fatal("no error for 2^40 declared bytes")
	}
}
