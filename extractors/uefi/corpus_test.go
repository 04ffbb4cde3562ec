package uefi

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// ovmfVolumes are the top-level volumes of debian12-ovmf-x64.fd (MANIFEST.md).
var ovmfVolumes = []struct {
	off, end int64
	fs       string
}{{0, 0x20000, "NVRAM"}, {0x20000, 0x1CC000, "FFSv2"}, {0x1CC000, 0x200000, "FFSv2"}}

// extractAll identifies and extracts each volume into one sink.
func extractOVMF(t testing.TB) (*sinktest.Sink, []extractors.Chunk) {
	file := samples.Corpus(t, "debian12-ovmf-x64.fd")
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	s := sinktest.NewSink(true)
	var chunks []extractors.Chunk
	for _, v := range ovmfVolumes {
		c, err := Handler{}.Identify(f, v.off, fi.Size())
		if err != nil {
			t.Fatalf("volume at 0x%X: %v", v.off, err)
		}
		if c.End != v.end || c.Attrs["uefi.fs"] != v.fs {
			t.Errorf("volume at 0x%X: end 0x%X %s, want 0x%X %s", v.off, c.End, c.Attrs["uefi.fs"], v.end, v.fs)
		}
		end, err := Handler{}.Extract(context.Background(), f, c, s)
		if err != nil || end != c.End {
			t.Errorf("volume at 0x%X: end 0x%X, %v", v.off, end, err)
		}
		chunks = append(chunks, c)
	}
	return s, chunks
}

// The 127 PE32+ modules, named and hashed as UEFIExtract extracts them
// (testdata/ovmf-reference.sh wrote ovmf.efi.tree).
func TestOVMFCorpus(t *testing.T) {
	s, _ := extractOVMF(t)
	var efi []sinktest.Entry
	for _, e := range s.List() {
		if strings.HasSuffix(e.Path, ".efi") {
			efi = append(efi, e)
			b := s.Content[e.Path]
			// PE32+ for x86-64: MZ, then PE\0\0, machine 0x8664, optional header magic 0x20B.
			pe := int(binary.LittleEndian.Uint32(b[0x3C:]))
			if string(b[:2]) != "MZ" || string(b[pe:pe+4]) != "PE\x00\x00" ||
				binary.LittleEndian.Uint16(b[pe+4:]) != 0x8664 || binary.LittleEndian.Uint16(b[pe+24:]) != 0x20B {
				t.Errorf("%s is not a PE32+ x86-64 image", e.Path)
			}
		}
	}
	if len(efi) != 127 {
		t.Errorf("%d .efi modules, want 127", len(efi))
	}
	want, err := sinktest.ReadTree(filepath.Join("testdata", "ovmf.efi.tree"))
	if err != nil {
		t.Fatal(err)
	}
	if d := (sinktest.Compare{IgnoreOwner: true}).Diff(efi, want); len(d) > 0 {
		t.Errorf("modules differ from UEFIExtract's:\n%s", strings.Join(d, "\n"))
	}
	for _, k := range []string{"uefi.nvram.authenticated"} {
		if s.Notes[k] != "true" {
			t.Errorf("note %s = %q", k, s.Notes[k])
		}
	}
}

func BenchmarkOVMF(b *testing.B) {
	file := samples.Corpus(b, "debian12-ovmf-x64.fd")
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	r := strings.NewReader(string(data))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		s := sinktest.NewSink(false)
		for _, v := range ovmfVolumes {
			c, err := Handler{}.Identify(r, v.off, int64(len(data)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := (Handler{}).Extract(context.Background(), r, c, s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
