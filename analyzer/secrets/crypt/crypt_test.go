package crypt

import (
	"bufio"
	"crypto/des"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

type vector struct{ scheme, password, hash string }

func loadVectors(t testing.TB) []vector {
	f, err := os.Open("testdata/hashes.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vector
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.SplitN(sc.Text(), " ", 3)
		if len(p) == 3 {
			out = append(out, vector{p[0], p[1], p[2]})
		}
	}
	return out
}

// Every hash made by openssl, mkpasswd and htpasswd verifies with its
// password and not with a near miss.
func TestRealToolHashes(t *testing.T) {
	vs := loadVectors(t)
	if len(vs) != 22 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		h, err := Parse(v.hash, true)
		if err != nil {
			t.Errorf("%s: %v", v.hash, err)
			continue
		}
		if string(h.Scheme) != v.scheme {
			t.Errorf("%s: scheme %s, want %s", v.hash, h.Scheme, v.scheme)
		}
		if !h.Match(v.password) {
			t.Errorf("%s %s: %q does not match", v.scheme, v.hash, v.password)
		}
		if h.Match("x"+v.password) || h.Match("") {
			t.Errorf("%s %s: wrong password matches", v.scheme, v.hash)
		}
	}
}

// With the salt "..", no E bits are swapped and DES crypt is plain DES
// applied 25 times to the zero block: check our DES against crypto/des.
func TestDESAgainstStdlib(t *testing.T) {
	for _, pw := range []string{"", "a", "admin", "12345678", "longer than eight"} {
		var key [8]byte
		for i := 0; i < 8 && i < len(pw); i++ {
			key[i] = pw[i] << 1
		}
		c, _ := des.NewCipher(key[:])
		var b [8]byte
		for range 25 {
			c.Encrypt(b[:], b[:])
		}
		ks := desSubkeys(binary.BigEndian.Uint64(key[:]))
		e := eTable
		var got uint64
		for range 25 {
			got = desEncrypt(got, &ks, &e)
		}
		if want := binary.BigEndian.Uint64(b[:]); got != want {
			t.Errorf("%q: %016x, want %016x", pw, got, want)
		}
	}
	// mkpasswd -m descrypt -S ab admin
	if got := DESCrypt("admin", "ab"); got != "abOV.DfJmdnYw" {
		t.Errorf("DESCrypt = %s", got)
	}
}

func TestParseRejects(t *testing.T) {
	for _, s := range []string{"", "x", "*", "!", "!!", "!$6$abc$def", "$1$", "$6$x", "$2b$05$short",
		"$y$j9T$salt$short", "d033e22ae348aeb5660fc2140aec35850c4da99", "{SHA}notbase64!", "abc def ghijk"} {
		if h, err := Parse(s, true); err == nil {
			t.Errorf("Parse(%q) = %s", s, h.Scheme)
		}
	}
	if _, err := Parse("d033e22ae348aeb5660fc2140aec35850c4da997", false); err == nil {
		t.Error("hex accepted without allowHex")
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, v := range loadVectors(b) {
		h, _ := Parse(v.hash, true)
		b.Run(v.scheme, func(b *testing.B) {
			for b.Loop() {
				h.Match("guess")
			}
		})
	}
}

func TestGuessableLimits(t *testing.T) {
	for s, want := range map[string]bool{
		"$5$rounds=999999999$salt$" + strings.Repeat("a", 43):               false,
		"$5$rounds=10000$salt$" + strings.Repeat("a", 43):                   true,
		"$2b$14$" + strings.Repeat("a", 53):                                 false,
		"$y$jFT$" + strings.Repeat("a", 22) + "$" + strings.Repeat("a", 43): false,
		"$y$j9T$" + strings.Repeat("a", 22) + "$" + strings.Repeat("a", 43): true,
	} {
		h, err := Parse(s, false)
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if h.Guessable() != want {
			t.Errorf("%s: guessable %v", s, !want)
		}
	}
}
