// Package crypt recognises the password hashes that firmware stores (crypt(3)
// strings, htpasswd forms and raw hex digests) and checks candidate passwords
// against them with the real algorithms.
package crypt

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	apr1 "github.com/GehirnInc/crypt/apr1_crypt"
	"github.com/go-crypt/crypt/algorithm"
	"github.com/go-crypt/crypt/algorithm/md5crypt"
	"github.com/go-crypt/crypt/algorithm/shacrypt"
	"github.com/go-crypt/x/yescrypt"
	"golang.org/x/crypto/bcrypt"
)

// Scheme names a hash algorithm; the names appear in findings.
type Scheme string

const (
	DES       Scheme = "des-crypt"
	MD5Crypt  Scheme = "md5-crypt"
	APR1      Scheme = "apr1-md5"
	SHA256    Scheme = "sha256-crypt"
	SHA512    Scheme = "sha512-crypt"
	Bcrypt    Scheme = "bcrypt"
	Yescrypt  Scheme = "yescrypt"
	SHA1B64   Scheme = "sha1-base64" // htpasswd -s: "{SHA}" + base64(SHA-1)
	RawMD5    Scheme = "md5-hex"
	RawSHA1   Scheme = "sha1-hex"
	RawSHA256 Scheme = "sha256-hex"
)

// Weak tells whether the scheme falls to offline guessing today: DES crypt
// (8 characters, 12-bit salt), MD5-based schemes and unsalted fast digests.
func (s Scheme) Weak() bool {
	switch s {
	case DES, MD5Crypt, APR1, SHA1B64, RawMD5, RawSHA1, RawSHA256:
		return true
	}
	return false
}

// Slow tells whether one guess costs milliseconds (memory-hard or many
// rounds), so callers try fewer candidates.
func (s Scheme) Slow() bool { return s == Bcrypt || s == Yescrypt }

// ErrNotHash is returned by Parse for strings of no known hash form.
var ErrNotHash = errors.New("crypt: not a recognised password hash")

// Hash is a parsed password hash, ready to check guesses against.
type Hash struct {
	Scheme Scheme
	Raw    string
	digest algorithm.Digest // md5-crypt, sha-crypt
	sum    []byte           // raw digests
}

func isCrypt64(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(crypt64, s[i]) < 0 {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Parse recognises a hash string. Raw hex digests are accepted only when
// allowHex is set, since a bare hex string is a hash only by context.
func Parse(s string, allowHex bool) (*Hash, error) {
	h := &Hash{Raw: s}
	var err error
	switch {
	case len(s) == 13 && isCrypt64(s):
		h.Scheme = DES
	case strings.HasPrefix(s, "$1$"):
		h.Scheme = MD5Crypt
		if err = checkTail(s, 22); err == nil {
			h.digest, err = md5crypt.Decode(s)
		}
	case strings.HasPrefix(s, "$apr1$"):
		h.Scheme = APR1
		parts := strings.Split(s, "$")
		if len(parts) != 4 || len(parts[2]) > 8 || len(parts[3]) != 22 || !isCrypt64(parts[3]) {
			err = ErrNotHash
		}
	case strings.HasPrefix(s, "$5$"):
		h.Scheme = SHA256
		if err = checkTail(s, 43); err == nil {
			h.digest, err = shacrypt.Decode(s)
		}
	case strings.HasPrefix(s, "$6$"):
		h.Scheme = SHA512
		if err = checkTail(s, 86); err == nil {
			h.digest, err = shacrypt.Decode(s)
		}
	case len(s) == 60 && (strings.HasPrefix(s, "$2a$") || strings.HasPrefix(s, "$2b$") || strings.HasPrefix(s, "$2y$") || strings.HasPrefix(s, "$2x$")):
		h.Scheme = Bcrypt
		if _, err = bcrypt.Cost([]byte(s)); err != nil {
			err = ErrNotHash
		}
	case strings.HasPrefix(s, "$y$"):
		h.Scheme = Yescrypt
		if i := strings.LastIndexByte(s, '$'); i < 7 || len(s)-i-1 != 43 {
			err = ErrNotHash
		}
	case strings.HasPrefix(s, "{SHA}"):
		h.Scheme = SHA1B64
		h.sum, err = base64.StdEncoding.DecodeString(s[5:])
		if err == nil && len(h.sum) != sha1.Size {
			err = ErrNotHash
		}
	case allowHex && isHex(s) && (len(s) == 32 || len(s) == 40 || len(s) == 64):
		h.Scheme = map[int]Scheme{32: RawMD5, 40: RawSHA1, 64: RawSHA256}[len(s)]
		h.sum, err = hex.DecodeString(s)
	default:
		return nil, ErrNotHash
	}
	if err != nil {
		return nil, ErrNotHash
	}
	return h, nil
}

// checkTail checks that the part after the last '$' is an n-character crypt
// base-64 digest.
func checkTail(s string, n int) error {
	i := strings.LastIndexByte(s, '$')
	if len(s)-i-1 != n || !isCrypt64(s[i+1:]) {
		return ErrNotHash
	}
	return nil
}

// Limits on the work one guess may cost. Hashes beyond them are reported but
// not guessed at: a hostile shadow file must not stall the scan.
const (
	maxSHARounds     = 1_000_000 // libxcrypt's default is 5000
	maxBcryptCost    = 12
	maxYescryptNLog2 = 14 // 2^14 × r=32 × 128 B = 64 MiB per guess
)

// Guessable tells whether one guess against h stays within the work limits.
func (h *Hash) Guessable() bool {
	switch h.Scheme {
	case SHA256, SHA512:
		if i := strings.Index(h.Raw, "$rounds="); i == 2 {
			n := 0
			for _, c := range h.Raw[i+8:] {
				if c < '0' || c > '9' {
					break
				}
				if n = n*10 + int(c-'0'); n > maxSHARounds {
					return false
				}
			}
		}
	case Bcrypt:
		c, err := bcrypt.Cost([]byte(h.Raw))
		return err == nil && c <= maxBcryptCost
	case Yescrypt:
		// "$y$j" then N's and r's one-character logarithms (see yescrypt.Hash).
		return len(h.Raw) > 6 && h.Raw[3] == 'j' && strings.IndexByte(crypt64, h.Raw[4])+1 <= maxYescryptNLog2
	}
	return true
}

// Match tells whether password hashes to h.
func (h *Hash) Match(password string) bool {
	if !h.Guessable() {
		return false
	}
	switch h.Scheme {
	case DES:
		return DESCrypt(password, h.Raw[:2]) == h.Raw
	case MD5Crypt, SHA256, SHA512:
		// go-crypt verifies "$5$rounds=N$" forms, which GehirnInc's Verify
		// rejects (see notes/dependencies.md).
		return h.digest.Match(password)
	case APR1:
		// go-crypt has no $apr1$; GehirnInc generates it, and comparing the
		// output avoids its Verify quirks.
		salt := h.Raw[:strings.LastIndexByte(h.Raw, '$')]
		out, err := apr1.New().Generate([]byte(password), []byte(salt))
		return err == nil && out == h.Raw
	case Bcrypt:
		return bcrypt.CompareHashAndPassword([]byte(h.Raw), []byte(password)) == nil
	case Yescrypt:
		out, err := yescrypt.Hash([]byte(password), []byte(h.Raw))
		return err == nil && string(out) == h.Raw
	case SHA1B64, RawSHA1:
		s := sha1.Sum([]byte(password))
		return subtle.ConstantTimeCompare(s[:], h.sum) == 1
	case RawMD5:
		s := md5.Sum([]byte(password))
		return subtle.ConstantTimeCompare(s[:], h.sum) == 1
	case RawSHA256:
		s := sha256.Sum256([]byte(password))
		return subtle.ConstantTimeCompare(s[:], h.sum) == 1
	}
	return false
}

// SchemeSlow reports Scheme.Slow, for callers that see a Hash as an interface.
func (h *Hash) SchemeSlow() bool { return h.Scheme.Slow() }
