package secrets

import (
	"bytes"
	"testing"
)

// Every rule finds each of its examples (with a secret, when it names one)
// and none of its counterexamples.
func TestRuleExamples(t *testing.T) {
	rules, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) < 20 {
		t.Fatalf("%d rules", len(rules))
	}
	find := func(r *Rule, s string) []Match {
		if !r.HasKeyword(bytes.ToLower([]byte(s))) {
			return nil
		}
		return r.Find([]byte(s))
	}
	for _, r := range rules {
		for _, ex := range r.Examples {
			ms := find(r, ex)
			if len(ms) == 0 {
				t.Errorf("%s: example not found: %s", r.ID, ex)
				continue
			}
			if r.HasSecret() && ms[0].Secret == "" {
				t.Errorf("%s: example has no secret: %s", r.ID, ex)
			}
		}
		for _, ce := range r.Counterexamples {
			if ms := find(r, ce); len(ms) > 0 {
				t.Errorf("%s: counterexample found (%q): %s", r.ID, ms[0].Secret, ce)
			}
		}
	}
}

func TestEntropy(t *testing.T) {
	if e := Entropy("aaaa"); e != 0 {
		t.Error(e)
	}
	if e := Entropy("abcd"); e != 2 {
		t.Error(e)
	}
}

func TestTestKeys(t *testing.T) {
	m, err := TestKeys()
	if err != nil || len(m) != 4 {
		t.Fatalf("%d keys, %v", len(m), err)
	}
}
