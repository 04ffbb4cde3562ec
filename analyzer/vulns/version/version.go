// Package version orders the version strings firmware components carry:
// dotted numbers with letters (OpenSSL 1.0.2za, OpenSSH 9.2p1), year-based
// releases (dropbear 2017.75), pre-releases (dnsmasq 2.79rc1, hostapd
// 2.6-devel, BusyBox 1.37.0.git), distribution builds (5.4.0-150-generic)
// and Debian versions with epochs and revisions (1:2.36-9, 6.1~rc7-1).
//
// No served semver library fits: semver rejects most of these strings, and
// dpkg ordering alone puts "2.79rc1" after "2.79". The rules here:
//   - an epoch "N:" (digits) compares first; absent means 0;
//   - the rest splits into runs of digits and runs of letters; '.', '-',
//     '_' and '+' only separate runs; numbers compare by value;
//   - a pre-release word (dev, devel, git, snapshot, svn, alpha, test,
//     beta, pre, rc) sorts before the release it precedes and before any
//     number, so 2.6-devel < 2.6 < 2.6.1 and 2.79rc1 < 2.79;
//   - any other word is a post-release mark (1.1.1 < 1.1.1a, 9.2 < 9.2p1,
//     1.0.2u < 1.0.2za), sorting after the release but before a further
//     number (9.2p1 < 9.2.1);
//   - a Debian '~' sorts before everything, even the end (6.1~rc7 < 6.1);
//   - missing trailing numbers count as zero (3.3 == 3.3.0).
package version

import (
	"strings"
)

// Compare returns -1, 0 or +1 as a is older than, the same as, or newer
// than b.
func Compare(a, b string) int {
	ea, ra := epoch(a)
	eb, rb := epoch(b)
	if c := cmpNum(ea, eb); c != 0 {
		return c
	}
	ta, tb := tokens(ra), tokens(rb)
	for i := 0; ; i++ {
		x, y := token{kind: end}, token{kind: end}
		if i < len(ta) {
			x = ta[i]
		}
		if i < len(tb) {
			y = tb[i]
		}
		if x.kind == end && y.kind == end {
			return 0
		}
		if c := cmpToken(x, y); c != 0 {
			return c
		}
	}
}

// Less reports whether a is older than b.
func Less(a, b string) bool { return Compare(a, b) < 0 }

// Upstream strips what a distribution adds to an upstream version: the
// Debian epoch ("1:") and the package revision ("-9+deb12u4"), keeping
// kernel-style suffixes that carry no revision ("5.4.0-150-generic" stays).
// It is for comparing a distribution package with upstream ranges (NVD).
func Upstream(v string) string {
	_, v = epoch(v)
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		rev := v[i+1:]
		// A Debian/opkg revision starts with a digit and holds no letters
		// other than the distribution tags dpkg uses (deb12u4, ubuntu1, b1).
		if rev != "" && rev[0] >= '0' && rev[0] <= '9' && isRevision(rev) {
			v = v[:i]
		}
	}
	for _, suf := range []string{"+dfsg", ".dfsg", "+ds", ".ds", "~dfsg"} {
		if i := strings.Index(v, suf); i > 0 {
			v = v[:i]
		}
	}
	return v
}

func isRevision(r string) bool {
	for _, w := range []string{"deb", "ubuntu", "build", "b", "u", "+", ".", "~"} {
		r = strings.ReplaceAll(r, w, "")
	}
	for _, c := range r {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// epoch splits "1:2.36-9" into "1" and "2.36-9"; no epoch is "0".
func epoch(v string) (string, string) {
	if i := strings.IndexByte(v, ':'); i > 0 {
		ok := true
		for _, c := range v[:i] {
			if c < '0' || c > '9' {
				ok = false
				break
			}
		}
		if ok {
			return v[:i], v[i+1:]
		}
	}
	return "0", v
}

type kind int

// Order of kinds where they meet at one position: tilde < pre-release word
// < end of string < post-release word < number.
const (
	tilde kind = iota
	pre
	end
	post
	number
)

type token struct {
	kind kind
	s    string // digits without leading zeros, or the lower-case word
	rank int    // pre-release rank
}

// preRanks orders the pre-release words: snapshots, then alpha, beta, rc.
var preRanks = map[string]int{
	"dev": 0, "devel": 0, "git": 0, "snapshot": 0, "snap": 0, "svn": 0, "trunk": 0,
	"alpha": 1, "test": 1, "beta": 2, "pre": 3, "rc": 4,
}

func tokens(v string) []token {
	var out []token
	v = strings.ToLower(v)
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '~':
			out = append(out, token{kind: tilde})
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(v) && v[j] >= '0' && v[j] <= '9' {
				j++
			}
			n := strings.TrimLeft(v[i:j], "0")
			out = append(out, token{kind: number, s: n})
			i = j
		case c >= 'a' && c <= 'z':
			j := i
			for j < len(v) && v[j] >= 'a' && v[j] <= 'z' {
				j++
			}
			w := v[i:j]
			if r, ok := preRanks[w]; ok {
				out = append(out, token{kind: pre, s: w, rank: r})
			} else {
				out = append(out, token{kind: post, s: w})
			}
			i = j
		default: // separator
			i++
		}
	}
	// Trailing zero numbers do not make a version newer: 3.3.0 == 3.3.
	for len(out) > 0 && out[len(out)-1].kind == number && out[len(out)-1].s == "" {
		out = out[:len(out)-1]
	}
	return out
}

func cmpToken(x, y token) int {
	// A zero number against the end of the other string is equal (3.3 vs
	// 3.3.0.1 reaches 0 vs end at the third position).
	if x.kind == number && x.s == "" && y.kind == end {
		return 0
	}
	if y.kind == number && y.s == "" && x.kind == end {
		return 0
	}
	if x.kind != y.kind {
		if x.kind < y.kind {
			return -1
		}
		return 1
	}
	switch x.kind {
	case number:
		return cmpNum(x.s, y.s)
	case pre:
		if x.rank != y.rank {
			if x.rank < y.rank {
				return -1
			}
			return 1
		}
	case post:
		return strings.Compare(x.s, y.s)
	}
	return 0
}

// cmpNum compares digit strings without leading zeros, of any length.
func cmpNum(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
