package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// run identifies and extracts the chunk at off.
func run(t testing.TB, h extractors.Handler, data []byte, off int64) (extractors.Chunk, int64, *sinktest.Sink, error) {
	t.Helper()
	r := bytes.NewReader(data)
	c, err := h.Identify(r, off, int64(len(data)))
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	s := sinktest.NewSink(true)
	end, err := h.Extract(context.Background(), r, c, s)
	return c, end, s, err
}

// Every fixture matches what the tool that made it extracts, and its chunk
// ends exactly where the tool's output ends, also inside a bigger blob.
func TestFixtures(t *testing.T) {
	tests := []struct {
		file, tree string
		h          extractors.Handler
		cmp        sinktest.Compare
	}{
		{"newc.cpio", "newc.tree", CPIO{}, sinktest.Compare{}},
		{"crc.cpio", "crc.tree", CPIO{}, sinktest.Compare{}},
		{"odc.cpio", "odc.tree", CPIO{}, sinktest.Compare{}},
		{"bin.cpio", "bin.tree", CPIO{}, sinktest.Compare{}},
		{"gnu.tar", "gnu.tar.tree", Tar{}, sinktest.Compare{}},
		{"pax.tar", "pax.tar.tree", Tar{}, sinktest.Compare{}},
		{"ustar.tar", "ustar.tar.tree", Tar{}, sinktest.Compare{}},
		{"plain.zip", "plain.zip.tree", Zip{}, sinktest.Compare{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			want, err := sinktest.ReadTree(filepath.Join("testdata", tc.tree))
			if err != nil {
				t.Fatal(err)
			}
			data := read(t, tc.file)
			for _, pre := range []int{0, 512} {
				blob := append(append(bytes.Repeat([]byte{0x55}, pre), data...), "trailing bytes"...)
				_, end, s, err := run(t, tc.h, blob, int64(pre))
				if err != nil {
					t.Fatalf("extract: %v", err)
				}
				if end != int64(pre+len(data)) {
					t.Errorf("at %d: end %d, want %d", pre, end, pre+len(data))
				}
				if d := tc.cmp.Diff(s.List(), want); len(d) > 0 {
					t.Errorf("differs from the reference:\n%s", bytesJoin(d))
				}
			}
		})
	}
}

func bytesJoin(d []string) string {
	var b bytes.Buffer
	for _, s := range d {
		b.WriteString(s + "\n")
	}
	return b.String()
}

// A zip behind a stub whose offsets count from the file start (zip -A).
func TestZipPrepended(t *testing.T) {
	data := read(t, "prepended.zip")
	want, _ := sinktest.ReadTree("testdata/plain.zip.tree")
	c, end, s, err := run(t, Zip{}, data, 1000)
	if err != nil || end != int64(len(data)) || c.Attrs["zip.base"] != "0" {
		t.Fatalf("end %d, chunk %+v, err %v", end, c, err)
	}
	if d := (sinktest.Compare{}).Diff(s.List(), want); len(d) > 0 {
		t.Errorf("%s", bytesJoin(d))
	}
}

// The header that claims 4 GB stops the archive with a FormatError at its
// offset, allocates nothing, and keeps the entries before it.
func TestCPIOHugeSize(t *testing.T) {
	data := read(t, "huge.cpio")
	_, end, s, err := run(t, CPIO{}, data, 0)
	var fe *extractors.FormatError
	if !errors.As(err, &fe) || fe.Offset != end || end == 0 {
		t.Fatalf("err %v, end %d", err, end)
	}
	if s.Entries["bin/tool"] == nil || s.Entries["etc/passwd"] != nil {
		t.Errorf("entries %v", s.List())
	}
}

// Cut anywhere, an archive gives a FormatError (or a clean earlier end) and
// never reads past the cut.
func TestTruncated(t *testing.T) {
	for _, f := range []struct {
		file string
		h    extractors.Handler
	}{{"newc.cpio", CPIO{}}, {"odc.cpio", CPIO{}}, {"bin.cpio", CPIO{}}, {"crc.cpio", CPIO{}}, {"gnu.tar", Tar{}}, {"pax.tar", Tar{}}} {
		data := read(t, f.file)
		// Cut inside the entries: before the last non-zero byte.
		last := len(bytes.TrimRight(data, "\x00"))
		for cut := 100; cut < last; cut += 97 {
			b := data[:cut]
			r := bytes.NewReader(b)
			c, err := f.h.Identify(r, 0, int64(cut))
			if err != nil {
				continue
			}
			end, err := f.h.Extract(context.Background(), r, c, sinktest.NewSink(false))
			var fe *extractors.FormatError
			if !errors.As(err, &fe) {
				t.Errorf("%s cut at %d: %v", f.file, cut, err)
			}
			if end > int64(cut) {
				t.Errorf("%s cut at %d: end %d", f.file, cut, end)
			}
		}
	}
}

// A crc archive whose data no longer adds up to its header's sum.
func TestCPIOChecksum(t *testing.T) {
	data := bytes.Clone(read(t, "crc.cpio"))
	i := bytes.Index(data, []byte("root:x:0:0"))
	data[i] = 'R'
	_, _, s, err := run(t, CPIO{}, data, 0)
	if err == nil || s.Entries["etc/passwd"] == nil {
		t.Fatalf("err %v", err)
	}
}

// An encrypted entry is reported and skipped; the plain one still comes out.
func TestZipEncrypted(t *testing.T) {
	data := read(t, "enc.zip")
	_, end, s, err := run(t, Zip{}, data, 0)
	var fe *extractors.FormatError
	if !errors.As(err, &fe) || end != int64(len(data)) {
		t.Fatalf("err %v, end %d", err, end)
	}
	if string(s.Content["etc/init.d/rcS"]) != "#!/bin/sh\necho start\n" || s.Entries["etc/passwd"] != nil {
		t.Errorf("entries %v", s.List())
	}
}

// devSink records device numbers, which tree listings do not hold.
type devSink struct {
	*sinktest.Sink
	devs map[string][2]uint32
}

func (d devSink) Special(name string, m extractors.Meta) error {
	d.devs[strings.TrimPrefix(name, "./")] = [2]uint32{m.Major, m.Minor}
	return d.Sink.Special(name, m)
}

// Device numbers as mknod made them (console 5:1, mtdblock0 31:0), in every
// format that stores them.
func TestDeviceNumbers(t *testing.T) {
	for _, f := range []struct {
		file string
		h    extractors.Handler
	}{{"newc.cpio", CPIO{}}, {"crc.cpio", CPIO{}}, {"odc.cpio", CPIO{}}, {"bin.cpio", CPIO{}}, {"gnu.tar", Tar{}}, {"pax.tar", Tar{}}, {"ustar.tar", Tar{}}} {
		data := read(t, f.file)
		r := bytes.NewReader(data)
		c, err := f.h.Identify(r, 0, int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		s := devSink{sinktest.NewSink(false), map[string][2]uint32{}}
		if _, err := f.h.Extract(context.Background(), r, c, s); err != nil {
			t.Fatal(err)
		}
		if s.devs["dev/console"] != [2]uint32{5, 1} || s.devs["dev/mtdblock0"] != [2]uint32{31, 0} {
			t.Errorf("%s: devices %v", f.file, s.devs)
		}
	}
}
