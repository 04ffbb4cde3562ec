package crypt

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, v := range loadVectors(f) {
		f.Add(v.hash, v.password)
	}
	f.Add("$5$rounds=999999999$salt$x", "a")
	f.Add("$y$jD5$salt$", "a")
	f.Fuzz(func(t *testing.T, s, pw string) {
		h, err := Parse(s, true)
		if err != nil {
			return
		}
		if h.Scheme.Slow() || !h.Guessable() {
			return // one guess is too slow for fuzzing
		}
		if strings.Contains(s, "rounds=") && len(s) > 0 {
			return // up to a million rounds: legal, but slow for fuzzing
		}
		h.Match(pw)
	})
}
