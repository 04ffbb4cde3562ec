package uefi

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// Debian's OVMF_VARS.ms.fd: the variables, their vendor GUIDs and data as
// UEFIExtract lists them (testdata/gen.sh wrote vars-ms.fd.tree).
func TestNVRAM(t *testing.T) {
	b, err := os.ReadFile("testdata/vars-ms.fd")
	if err != nil {
		t.Fatal(err)
	}
	c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	s := sinktest.NewSink(true)
	if _, err := (Handler{}).Extract(context.Background(), bytes.NewReader(b), c, s); err != nil {
		t.Fatal(err)
	}
	want, err := sinktest.ReadTree(filepath.Join("testdata", "vars-ms.fd.tree"))
	if err != nil {
		t.Fatal(err)
	}
	if d := (sinktest.Compare{IgnoreOwner: true, IgnoreDirs: true}).Diff(s.List(), want); len(d) > 0 {
		t.Errorf("variables differ from UEFIExtract's:\n%s", strings.Join(d, "\n"))
	}
	if s.Notes["uefi.nvram.authenticated"] != "true" {
		t.Errorf("notes %v", s.Notes)
	}
	// The Secure Boot keys are there: the image enrolls Microsoft's.
	for _, v := range []string{"8BE4DF61-93CA-11D2-AA0D-00E098032B8C/PK", "8BE4DF61-93CA-11D2-AA0D-00E098032B8C/KEK",
		"D719B2CB-3D3A-4596-A3BC-DAD00E67656F/db", "D719B2CB-3D3A-4596-A3BC-DAD00E67656F/dbx"} {
		if _, ok := s.Entries["nvram/"+v]; !ok {
			t.Errorf("no %s", v)
		}
	}
}

// A variable whose DataSize runs past the store stops the walk with a
// problem and keeps the variables before it.
func TestNVRAMHostile(t *testing.T) {
	b, err := os.ReadFile("testdata/vars-ms.fd")
	if err != nil {
		t.Fatal(err)
	}
	// The first variable starts after the 0x48 volume header and the
	// 28-byte store header; DataSize is at 0x24 of an authenticated header.
	first := 0x48 + varStoreHeader
	if binary.LittleEndian.Uint16(b[first:]) != varStartID {
		t.Fatal("no variable at the expected offset")
	}
	binary.LittleEndian.PutUint32(b[first+0x24:], 0xFFFFFFF0)
	w, _, err := walk(b)
	if err != nil || w.stats.Variables != 0 || len(w.problems) != 1 || !strings.Contains(w.problems[0], "past the store") {
		t.Fatalf("%+v %v %v", w.stats, w.problems, err)
	}
}
