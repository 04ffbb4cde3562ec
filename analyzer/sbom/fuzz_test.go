package sbom

import (
	"bytes"
	"os"
	"testing"

	"github.com/fwstar/fwstar/rules/fingerprints"
)

// FuzzParagraphs feeds control-file text (dpkg/opkg status) to the stanza
// parser.
func FuzzParagraphs(f *testing.F) {
	b, err := os.ReadFile("testdata/rootfs-dpkg/var/lib/dpkg/status")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range paragraphs(b) {
			if p.offset < 0 || p.offset > int64(len(b)) || p.line < 1 {
				t.Fatalf("paragraph at %d line %d", p.offset, p.line)
			}
		}
	})
}

// FuzzIPK feeds package files to the .ipk reader (ar and tar.gz layouts).
func FuzzIPK(f *testing.F) {
	b, err := os.ReadFile("testdata/zlib1g.ipk")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		if ctl := ipkControl(bytes.NewReader(b)); len(ctl) > maxControl {
			t.Fatalf("control of %d bytes", len(ctl))
		}
	})
}

// FuzzScan runs every fingerprint pattern over arbitrary bytes, as the
// scanner's windows do.
func FuzzScan(f *testing.F) {
	snippets, _ := os.ReadDir("../../rules/testdata/fingerprints/busybox")
	for _, s := range snippets {
		b, _ := os.ReadFile("../../rules/testdata/fingerprints/busybox/" + s.Name())
		f.Add(b)
	}
	fps, err := fingerprints.Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, fp := range fps {
			for i := range fp.Strings {
				if v, _, ver, ok := fp.Strings[i].Find(b); ok && v != "" && fp.Strings[i].Encoding == "" && string(b[ver[0]:ver[1]]) != v {
					t.Fatalf("%s: version %q is not at %v", fp.ID, v, ver)
				}
			}
		}
	})
}
