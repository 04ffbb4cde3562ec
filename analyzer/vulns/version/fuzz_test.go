package version

import "testing"

// FuzzCompare checks that Compare is antisymmetric and never panics on
// arbitrary strings (versions come from firmware bytes).
func FuzzCompare(f *testing.F) {
	for _, p := range ordered {
		f.Add(p.older, p.newer)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if Compare(a, b) != -Compare(b, a) {
			t.Fatalf("Compare(%q, %q) = %d but Compare(b, a) = %d", a, b, Compare(a, b), Compare(b, a))
		}
		if Compare(a, a) != 0 {
			t.Fatalf("Compare(%q, itself) = %d", a, Compare(a, a))
		}
		_ = Upstream(a)
	})
}
