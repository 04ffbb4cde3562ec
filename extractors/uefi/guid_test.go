package uefi

import (
	"bytes"
	"testing"
)

// TestGUID: a registry-form constant is stored with its first three fields
// little-endian (EFI_FIRMWARE_FILE_SYSTEM2_GUID as it sits in every volume
// header of the OVMF image) and prints back as written.
func TestGUID(t *testing.T) {
	const s = "8C8CE578-8A3D-4F1C-9935-896185C32DD3"
	g := mustGUID(s)
	want := []byte{0x78, 0xE5, 0x8C, 0x8C, 0x3D, 0x8A, 0x1C, 0x4F, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3}
	if !bytes.Equal(g[:], want) || g.String() != s {
		t.Fatalf("%x %s", g[:], g)
	}
	for _, bad := range []string{"8C8CE578-8A3D-4F1C-9935-896185C32DD", "8C8CE578x8A3D-4F1C-9935-896185C32DD3", "8C8CE578-8A3D-4F1C-9935-896185C32DDG"} {
		func() {
			defer func() { recover() }()
			mustGUID(bad)
			t.Errorf("%s: no panic", bad)
		}()
	}
}
