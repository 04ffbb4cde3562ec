package layer

import "testing"

func TestRoundTrip(t *testing.T) {
	fw := Root("openwrt.bin")
	sq := fw.Chunk(0x11B0A0, "squashfs")
	shadow := sq.File("etc/shadow")
	if got, want := shadow.String(), "openwrt.bin@0x11B0A0:squashfs/etc/shadow"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	nested := sq.File("lib/m.gz").Chunk(0, "gzip").File("m")
	if got, want := nested.String(), "openwrt.bin@0x11B0A0:squashfs/lib/m.gz@0x0:gzip/m"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
	if nested.Depth() != 2 {
		t.Fatalf("Depth = %d", nested.Depth())
	}
	for _, s := range []string{"fw.bin", sq.String(), shadow.String(), nested.String()} {
		l, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if l.String() != s {
			t.Errorf("Parse(%q).String() = %q", s, l.String())
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("openwrt.bin@0x11B0A0:squashfs/etc/shadow")
	f.Add("a@0x0:gzip/b@0x1F:cpio/c")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil {
			return
		}
		l2, err := Parse(l.String())
		if err != nil || l2.String() != l.String() {
			t.Fatalf("not stable: %q -> %q", s, l.String())
		}
	})
}
