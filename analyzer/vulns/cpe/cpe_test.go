package cpe

import "testing"

func TestParse(t *testing.T) {
	n, err := Parse(`cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2017.75:*:*:*:*:*:*:*`)
	if err != nil {
		t.Fatal(err)
	}
	if n.Attr[Part] != "a" || n.VendorProduct() != "dropbear_ssh_project:dropbear_ssh" || n.Attr[Version] != "2017.75" || n.Attr[Update] != Any {
		t.Fatalf("parsed %+v", n)
	}
	// Quoted characters (fingerprints.CPEEscape writes these) and NA.
	n, err = Parse(`cpe:2.3:a:openbsd:openssh:7.4\:p1:-:*:*:*:*:*:*`)
	if err != nil {
		t.Fatal(err)
	}
	if n.Attr[Version] != "7.4:p1" || n.Attr[Update] != NA {
		t.Fatalf("parsed %+v", n)
	}
	if got := n.String(); got != `cpe:2.3:a:openbsd:openssh:7.4\:p1:-:*:*:*:*:*:*` {
		t.Fatalf("String() = %s", got)
	}
	// A quoted "-" is the value "-", not NA.
	if n, _ := Parse(`cpe:2.3:a:x:y:\-:*:*:*:*:*:*:*`); n.Attr[Version] != "-" || n.Wild[Version] {
		t.Fatalf("quoted hyphen: %+v", n)
	}
	for _, bad := range []string{"", "cpe:/a:busybox:busybox:1.0", "cpe:2.3:x:a:b", "cpe:2.3:a:b:c:d:e:f:g:h:i:j:k:l", `cpe:2.3:a:b\`} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestAttrMatch(t *testing.T) {
	for _, c := range []struct {
		src  string
		wild bool
		tgt  string
		want bool
	}{
		{Any, false, "1.2", true},
		{"1.2", false, Any, true},
		{NA, false, "1.2", false},
		{NA, false, NA, true},
		{"1.2", false, NA, false},
		{"1.2*", true, "1.2.3", true},
		{"1.2?", true, "1.23", true},
		{"1.2?", true, "1.234", false},
		{"busybox", false, "busybox", true},
		{"busybox", false, "toybox", false},
	} {
		if got := AttrMatch(c.src, c.wild, c.tgt); got != c.want {
			t.Errorf("AttrMatch(%q, %v, %q) = %v", c.src, c.wild, c.tgt, got)
		}
	}
}

func TestWildQuoted(t *testing.T) {
	n, err := Parse(`cpe:2.3:a:x:y:1.2\*a*:*:*:*:*:*:*:*`)
	if err != nil || !n.Wild[Version] {
		t.Fatal(n, err)
	}
	if !AttrMatch(n.Attr[Version], true, "1.2*a.b") || AttrMatch(n.Attr[Version], true, "1.2xa") {
		t.Error("quoted * inside a pattern must be literal")
	}
}
