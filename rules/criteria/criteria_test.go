package criteria

import "testing"

func TestLoad(t *testing.T) {
	ss, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	star := ss[0]
	if star.Scheme != StarOne || len(star.Criteria) != 16 {
		t.Fatalf("★1 has %d criteria", len(star.Criteria))
	}
	for i, c := range star.Criteria {
		if want := "S1.1-" + string(rune('0'+(i+1)/10)) + string(rune('0'+(i+1)%10)); c.ID != want {
			t.Errorf("criterion %d is %s, want %s", i, c.ID, want)
		}
		if c.Static != StaticNone && len(c.Checks) == 0 {
			t.Errorf("%s is scored from the image but lists no checks", c.ID)
		}
		if len(c.Documents) == 0 {
			t.Errorf("%s lists no documents", c.ID)
		}
	}
	if len(ss) < 2 {
		t.Fatal("no other scheme loaded")
	}
}
