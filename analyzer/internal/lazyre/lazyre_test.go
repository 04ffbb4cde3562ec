package lazyre

import "testing"

// TestNew: the regexp is compiled once and shared; an invalid one panics at
// its first use, as regexp.MustCompile does at package init.
func TestNew(t *testing.T) {
	re := New(`^a+b$`)
	if re() != re() || !re().MatchString("aab") {
		t.Fatal("not one compiled regexp")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid expression did not panic")
		}
	}()
	New(`(`)()
}
