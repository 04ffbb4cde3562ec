package compress

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// klausGzip is klauspost's gzip reader's verdict on a one-member stream:
// what the handler decoded with before our inflate.Reader.
func klausGzip(b []byte) ([]byte, string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, "", err
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	return out, zr.Name, err
}

// extractGzip runs Extract on b without Identify (which refuses some of
// the headers tested here before Extract could).
func extractGzip(b []byte) ([]byte, string, int64, error) {
	s := sinktest.NewSink(true)
	end, err := Gzip{}.Extract(context.Background(), bytes.NewReader(b), extractors.Chunk{End: -1}, s)
	for name, got := range s.Content {
		return got, name, end, err
	}
	return nil, "", end, err
}

// TestGzipHeaderFields writes members with every optional field (the
// standard library's gzip writer, then FLG and the fields mutated one at a
// time) and checks the handler's verdict, bytes and name against
// klauspost's gzip reader.
func TestGzipHeaderFields(t *testing.T) {
	src := read(t, "src.bin")
	member := func(hdr gzip.Header) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Header = hdr
		zw.Write(src)
		zw.Close()
		return b.Bytes()
	}
	full := member(gzip.Header{Name: "caf\u00e9.bin", Comment: "a comment", Extra: []byte("ab\x04\x00wxyz")})
	if full[3] != 4|8|16 {
		t.Fatalf("FLG %#x", full[3])
	}
	// withHCRC sets FHCRC and inserts the header's CRC16 (plus delta) after
	// the fields.
	withHCRC := func(b []byte, delta uint16) []byte {
		n := len(b) - len(gzipBody(t, b))
		out := bytes.Clone(b[:n])
		out[3] |= 2
		out = binary.LittleEndian.AppendUint16(out, uint16(crc32.ChecksumIEEE(out))+delta)
		return append(out, b[n:]...)
	}
	mutate := func(b []byte, f func([]byte)) []byte { b = bytes.Clone(b); f(b); return b }
	longName := member(gzip.Header{Name: strings.Repeat("n", 511)})
	for _, c := range []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"extra, name (Latin-1), comment", full, true},
		{"FHCRC", withHCRC(full, 0), true},
		{"FHCRC wrong", withHCRC(full, 1), false},
		{"reserved FLG bit", mutate(full, func(b []byte) { b[3] |= 0x20 }), false},
		{"name of 511 bytes", longName, true},
		{"name of 512 bytes", mutate(longName, func(b []byte) { b[10+511] = 'n' }), false},
		{"XLEN past the end", mutate(full, func(b []byte) { b[10], b[11] = 0xFF, 0xFF }), false},
		{"CRC-32", mutate(full, func(b []byte) { b[len(b)-8] ^= 1 }), false},
		{"ISIZE", mutate(full, func(b []byte) { b[len(b)-1] ^= 1 }), false},
		{"no trailer", full[:len(full)-8], false},
		{"half a trailer", full[:len(full)-4], false},
		{"CM 7", mutate(full, func(b []byte) { b[2] = 7 }), false},
	} {
		want, wname, werr := klausGzip(c.b)
		if (werr == nil) != c.ok {
			t.Fatalf("%s: klauspost says %v", c.name, werr)
		}
		got, name, end, err := extractGzip(c.b)
		var fe *extractors.FormatError
		switch {
		case c.ok && (err != nil || !bytes.Equal(got, want) || end != int64(len(c.b))):
			t.Errorf("%s: err=%v n=%d end=%d", c.name, err, len(got), end)
		case c.ok && name != safeBase(wname):
			t.Errorf("%s: name %q, want %q", c.name, name, wname)
		case !c.ok && !errors.As(err, &fe):
			t.Errorf("%s: err=%v, want a FormatError", c.name, err)
		case !c.ok && !bytes.Equal(got, want[:min(len(want), len(got))]):
			t.Errorf("%s: the bytes written are not the member's", c.name)
		}
	}
}

// TestGzipErrors checks the messages the handler's errors keep.
func TestGzipErrors(t *testing.T) {
	full := read(t, "src.bin.gz")
	for _, c := range []struct {
		name, want string
		b          []byte
	}{
		{"truncated", "truncated stream", full[:len(full)/2]},
		{"checksum", "gzip: invalid checksum", append(bytes.Clone(full[:len(full)-8]), 1, 2, 3, 4, 5, 6, 7, 8)},
		{"corrupt", "inflate: corrupt stream", append(bytes.Clone(full[:len(full)-len(gzipBody(t, full))]), 0xFF, 0xFF)},
		{"header", "gzip: invalid header", append([]byte{0x1f, 0x8b, 8, 0x20}, full[4:]...)},
	} {
		_, _, _, err := extractGzip(c.b)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// gzipBody returns the deflate data of a gzip member.
func gzipBody(t *testing.T, b []byte) []byte {
	data, _, err := gzipMember(bytes.NewReader(b), 0)
	if err != nil {
		t.Fatal(err)
	}
	return b[data:]
}

// TestGzipBadSecondMember: a member that breaks is an error, and the chunk
// ends after the members before it, whose bytes stay written.
func TestGzipBadSecondMember(t *testing.T) {
	first, second := read(t, "src.bin.gz"), bytes.Clone(read(t, "noname.gz"))
	second[len(second)-8] ^= 1 // its CRC-32
	got, _, end, err := extractGzip(append(bytes.Clone(first), second...))
	src := read(t, "src.bin")
	if err == nil || end != int64(len(first)) || !bytes.Equal(got, append(src, src...)) {
		t.Fatalf("err=%v end=%d (want %d) n=%d", err, end, len(first), len(got))
	}
}

// TestGzipTruncated: a member cut mid-stream keeps every byte its data
// decodes to, 43080 as `gzip -dc < truncated.gz | wc -c` (and zlib) count
// them (klauspost's reader held the last one back), then the error.
func TestGzipTruncated(t *testing.T) {
	got, _, end, err := extractGzip(read(t, "truncated.gz"))
	var fe *extractors.FormatError
	if !errors.As(err, &fe) || end != 0 || len(got) != 43080 || !bytes.Equal(got, read(t, "src.bin")[:len(got)]) {
		t.Fatalf("err=%v end=%d n=%d", err, end, len(got))
	}
}
