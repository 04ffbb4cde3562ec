package peinfo

import (
	"os"
	"strings"
	"testing"
)

func parse(t testing.TB, p string) *Info {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	in, err := ParseBytes(b)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return in
}

func TestEFIFixtures(t *testing.T) {
	for f, sub := range map[string]string{"efi-app.efi": "EFI application", "efi-bsdrv.efi": "EFI boot service driver", "efi-rtdrv.efi": "EFI runtime driver"} {
		in := parse(t, "testdata/"+f)
		// objdump -p: DllCharacteristics 00000000 (dllcharacteristics.txt).
		if in.Format != "PE32+" || in.Machine != "x86-64" || in.Subsystem != sub || in.ASLR || in.NX || in.Signed || len(in.DllCharacteristics) != 0 {
			t.Errorf("%s: %+v", f, in)
		}
	}
	want, _ := os.ReadFile("testdata/authentihash.txt") // osslsigncode verify's digest
	s := parse(t, "testdata/efi-signed.efi")
	if !s.Signed || !strings.Contains(s.Signer, "fwstar fixture signer") || s.AuthentihashMatch == nil || !*s.AuthentihashMatch ||
		!strings.EqualFold(s.Authentihash, strings.TrimSpace(string(want))) {
		t.Errorf("signed: %+v", s)
	}
	x := parse(t, "testdata/efi-tampered.efi")
	if !x.Signed || x.AuthentihashMatch == nil || *x.AuthentihashMatch {
		t.Errorf("tampered: %+v", x)
	}
}

func TestTEHeader(t *testing.T) {
	// A TE header as GenFw writes it for an x64 SEC core: machine 0x8664,
	// 1 section, subsystem 11, StrippedSize 0x1e8, then one .text section
	// header with code|execute|read characteristics.
	b := make([]byte, 80)
	copy(b, "VZ")
	b[2], b[3], b[4], b[5], b[6], b[7] = 0x64, 0x86, 1, 11, 0xe8, 0x01
	copy(b[40:], ".text")
	b[76], b[79] = 0x20, 0x60
	in, err := parseTE(b, int64(len(b)))
	if err != nil || in.Machine != "x86-64" || in.Subsystem != "EFI boot service driver" || len(in.WXSections) != 0 {
		t.Fatalf("%+v %v", in, err)
	}
	b[79] = 0xe0 // writable too
	if in, _ := parseTE(b, int64(len(b))); len(in.WXSections) != 1 {
		t.Fatalf("W+X not seen: %+v", in)
	}
}
