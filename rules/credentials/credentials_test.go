package credentials

import "testing"

func TestLoad(t *testing.T) {
	l, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range l.Credentials {
		if c.Source == "mirai" {
			n++
		}
	}
	// scanner.c has 62 add_auth_entry calls; "guest 12345" and "admin 1234"
	// appear twice there and once here.
	if n != 60 {
		t.Errorf("%d mirai entries", n)
	}
	cs := l.Candidates()
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Password] {
			t.Errorf("duplicate candidate %q", c.Password)
		}
		seen[c.Password] = true
	}
	if cs[0].Password != "" || cs[1].Password != "admin" {
		t.Errorf("order: %q %q", cs[0].Password, cs[1].Password)
	}
}
