package rar

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

func readTree(t *testing.T, name string) []sinktest.Entry {
	t.Helper()
	want, err := sinktest.ReadTree(filepath.Join("testdata", name+".tree"))
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// rar stores owner names, not ids (unrar -ow maps them on the host), so
// owners are not compared; every entry must still say root.
var cmp = sinktest.Compare{IgnoreOwner: true}

// Each archive is read whole, then (the non-solid ones) in two halves at once.
func TestFixtures(t *testing.T) {
	defer func(n int64) { parallelMin = n }(parallelMin)
	for _, name := range []string{"rar5", "rar5-store", "rar5-solid", "rar4", "rar4-solid", "rar5/parallel", "rar5-store/parallel", "rar4/parallel"} {
		name, parallel := strings.CutSuffix(name, "/parallel")
		parallelMin = 1 << 20
		if parallel {
			parallelMin = 0
		}
		t.Run(name, func(t *testing.T) {
			img := sinktest.Fixture(t, name+".rar")
			if a, err := walk(bytes.NewReader(img), 0, int64(len(img)), int64(len(img)/2)); parallel && (err != nil || a.before == 0) {
				t.Fatalf("no split point: %+v %v", a, err)
			}
			s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if c.End != int64(len(img)) || end != c.End || c.Confidence != extractors.High {
				t.Errorf("chunk %+v, end %d, want end %d", c, end, len(img))
			}
			if len(s.Notes) != 1 || s.Notes["rar.entries"] != "16" {
				t.Errorf("notes %v", s.Notes)
			}
			for _, d := range cmp.Diff(s.List(), readTree(t, name)) {
				t.Error(d)
			}
			for _, e := range s.List() {
				if e.UID != 0 || e.GID != 0 {
					t.Errorf("%s: owner %d:%d", e.Path, e.UID, e.GID)
				}
			}
		})
	}
}

// Encrypted file data: directories (and a RAR 5 link, whose target is in its
// plain header) are written, every other entry is named in a note.
func TestEncrypted(t *testing.T) {
	for _, tc := range []struct {
		name    string
		written int
	}{{"encrypted", 8}, {"encrypted4", 7}} {
		img := sinktest.Fixture(t, tc.name+".rar")
		s, _, end, err := sinktest.Extract(t, Handler{}, img, false)
		if err != nil || end != int64(len(img)) || len(s.Entries) != tc.written || s.Notes["rar.entries"] != "16" {
			t.Errorf("%s: err %v end %d, %d entries, notes %v", tc.name, err, end, len(s.Entries), s.Notes)
		}
		enc := s.Notes["rar.encrypted"]
		for _, n := range []string{"etc/passwd", "bin/random.bin", "usr/share/doc/numbers.txt"} {
			if !bytes.Contains([]byte(enc), []byte(n)) {
				t.Errorf("%s: %s not in rar.encrypted %q", tc.name, n, enc)
			}
		}
		if e := s.Entries["usr/share/doc"]; e == nil || e.Type != "dir" {
			t.Errorf("%s: directory missing", tc.name)
		}
	}
	// rar -hp encrypts every header after the encryption header: the chunk
	// is that header, and nothing can be listed.
	img := sinktest.Fixture(t, "encrypted-headers.rar")
	s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
	if err != nil || c.End != 46 || end != 46 || len(s.Entries) != 0 || s.Notes["rar.encrypted"] != "headers" {
		t.Errorf("encrypted-headers: chunk %+v end %d err %v notes %v", c, end, err, s.Notes)
	}
}

// The first volume ends at its end block (rar pads it with zeros to the
// volume size); the file going on in the second volume is written in part
// and named. A later volume alone cannot be decoded and says so.
func TestVolumes(t *testing.T) {
	img := sinktest.Fixture(t, "vol.part1.rar")
	s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
	if err != nil || c.End != 20399 || end != c.End || len(s.Entries) != 9 ||
		s.Notes["rar.split"] != "bin/random.bin" || s.Notes["rar.volume"] != "1" {
		t.Fatalf("part1: chunk %+v end %d err %v, %d entries, notes %v", c, end, err, len(s.Entries), s.Notes)
	}
	want := readTree(t, "rar5")
	for _, e := range s.List() {
		i := slices.IndexFunc(want, func(w sinktest.Entry) bool { return w.Path == e.Path })
		if e.Path == "bin/random.bin" {
			if e.Size == 0 || e.Size >= want[i].Size {
				t.Errorf("split file size %d", e.Size)
			}
			continue
		}
		if d := cmp.Diff([]sinktest.Entry{e}, want[i:i+1]); len(d) > 0 {
			t.Error(d)
		}
	}
	img = sinktest.Fixture(t, "vol.part2.rar")
	s, c, end, err = sinktest.Extract(t, Handler{}, img, false)
	if err != nil || end != int64(len(img)) || s.Notes["rar.volume"] != "2" || s.Notes["rar.unsupported"] == "" {
		t.Errorf("part2: chunk %+v end %d err %v notes %v", c, end, err, s.Notes)
	}
}

// A name made "../evil.sh" (header CRC fixed): refused by the sink, named
// in a note, and the 15 other entries are written.
func TestTraversal(t *testing.T) {
	for _, name := range []string{"traversal5", "traversal4"} {
		img := sinktest.Fixture(t, name+".rar")
		s, _, _, err := sinktest.Extract(t, Handler{}, img, false)
		if err != nil || len(s.Entries) != 15 || !slices.Equal(s.Refused, []string{"../evil.sh"}) ||
			s.Notes["rar.unsafe-names"] != "../evil.sh" {
			t.Errorf("%s: err %v, %d entries, refused %v, notes %v", name, err, len(s.Entries), s.Refused, s.Notes)
		}
		want := slices.DeleteFunc(readTree(t, "rar5"), func(e sinktest.Entry) bool { return e.Path == "etc/passwd" })
		for _, d := range cmp.Diff(s.List(), want) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

// An archive cut anywhere after its main header is identified up to its last
// whole block; extraction returns a FormatError at the cut and keeps every
// entry before it, each equal to the reference.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"rar5", "rar4", "rar5-solid"} {
		img := sinktest.Fixture(t, name+".rar")
		want := readTree(t, name)
		kept := 0
		for cut := 8; cut < len(img); cut += 97 {
			r := bytes.NewReader(img[:cut])
			c, err := Handler{}.Identify(r, 0, int64(cut))
			if err != nil {
				if !errors.Is(err, extractors.ErrNotFormat) || cut > 40 {
					t.Fatalf("%s cut %d: %v", name, cut, err)
				}
				continue
			}
			if c.End > int64(cut) || c.Confidence != extractors.Medium {
				t.Fatalf("%s cut %d: chunk %+v", name, cut, c)
			}
			s := sinktest.NewSink(false)
			end, err := Handler{}.Extract(context.Background(), r, c, s)
			var fe *extractors.FormatError
			boundary := name == "rar4" && c.End == int64(cut) // see TestNoEndBlock
			if (!boundary && (!errors.As(err, &fe) || fe.Offset != c.End)) || end != c.End {
				t.Fatalf("%s cut %d: end %d err %v", name, cut, end, err)
			}
			got := s.List()
			kept += len(got)
			for _, e := range got {
				i := slices.IndexFunc(want, func(w sinktest.Entry) bool { return w.Path == e.Path })
				if i < 0 {
					t.Fatalf("%s cut %d: extra %v", name, cut, e)
				}
				if d := cmp.Diff([]sinktest.Entry{e}, want[i:i+1]); len(d) > 0 {
					t.Errorf("%s cut %d: %v", name, cut, d)
				}
			}
		}
		if kept == 0 {
			t.Errorf("%s: no entry kept from any cut", name)
		}
	}
}

// A reference (rar -oi) and a hard link (rar -oh) carry no data: they become
// hard links to what they name (sinktest copies the target's entry), also
// when they fall in the other half of a parallel read.
func TestLinks(t *testing.T) {
	defer func(n int64) { parallelMin = n }(parallelMin)
	img := sinktest.Fixture(t, "links.rar")
	for _, pm := range []int64{1 << 20, 0} {
		parallelMin = pm
		s, _, _, err := sinktest.Extract(t, Handler{}, img, false)
		if err != nil || s.Notes["rar.entries"] != "5" {
			t.Errorf("parallelMin %d: err %v notes %v", pm, err, s.Notes)
		}
		for _, d := range (sinktest.Compare{IgnoreOwner: true, Hardlinks: true}).Diff(s.List(), readTree(t, "links")) {
			t.Errorf("parallelMin %d: %s", pm, d)
		}
	}
}

// RAR 1.5-2.x wrote no end block, so a RAR 4 format archive that ends at the
// end of the data is whole (with medium confidence); RAR 5 always has one.
// Made by cutting the end block off rar4.rar (7 bytes) and rar5.rar (8).
func TestNoEndBlock(t *testing.T) {
	for name, n := range map[string]int{"rar4": 7, "rar5": 8} {
		img := sinktest.Fixture(t, name+".rar")
		img = img[:len(img)-n]
		s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
		var fe *extractors.FormatError
		if c.End != int64(len(img)) || end != c.End || c.Confidence != extractors.Medium || s.Notes["rar.entries"] != "16" ||
			(name == "rar4") != (err == nil) || (name == "rar5" && (!errors.As(err, &fe) || fe.Offset != c.End)) {
			t.Errorf("%s: chunk %+v end %d err %v notes %v", name, c, end, err, s.Notes)
		}
		for _, d := range cmp.Diff(s.List(), readTree(t, name)) {
			t.Errorf("%s: %s", name, d)
		}
	}
}
