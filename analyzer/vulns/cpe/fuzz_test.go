package cpe

import "testing"

// FuzzParse checks that parsing never panics and that a parsed name
// survives a format/parse round trip.
func FuzzParse(f *testing.F) {
	f.Add("cpe:2.3:a:busybox:busybox:1.23.2:*:*:*:*:*:*:*")
	f.Add(`cpe:2.3:a:openbsd:openssh:7.4\:p1:-:*:*:*:*:*:*`)
	f.Add("cpe:2.3:o:linux:linux_kernel:3.18*:*:*:*:*:*:*:*")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		m, err := Parse(n.String())
		if err != nil || m != n {
			t.Fatalf("round trip of %q: %q gives %+v, %v; want %+v", s, n.String(), m, err, n)
		}
	})
}
