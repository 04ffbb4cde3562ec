// Package secrets holds the pattern rules of the secrets pass: hard-coded
// logins in scripts and binaries, Wi-Fi keys, cloud and API tokens. Each rule
// carries the examples it must find and the counterexamples it must not,
// which rules_test.go runs.
package secrets

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// Text is a message in English and Japanese.
type Text struct {
	EN string `yaml:"en"`
	JA string `yaml:"ja"`
}

// Rule is one pattern.
type Rule struct {
	ID          string   `yaml:"id"`
	Kind        string   `yaml:"kind"` // "credential" or "secret"
	Severity    string   `yaml:"severity"`
	Confidence  string   `yaml:"confidence"`
	Criteria    []string `yaml:"criteria"`
	Title       Text     `yaml:"title"`
	Remediation Text     `yaml:"remediation"`
	// Keywords: at least one must occur (case-insensitively) in a file
	// before the regex runs on it.
	Keywords []string `yaml:"keywords"`
	// Regex finds the problem; the optional group "secret" is what is
	// redacted and reported, the optional group "user" names the account.
	Regex string `yaml:"regex"`
	// Files limits the rule to in-image paths matching these globs.
	Files []string `yaml:"files"`
	// Binaries lets the rule run on the strings of binary files too.
	Binaries bool `yaml:"binaries"`
	// MinEntropy (bits per character) a secret needs, to skip placeholders.
	MinEntropy float64 `yaml:"min_entropy"`
	// Ignore lists secrets that are placeholders, matched case-insensitively
	// as regexes against the whole secret.
	Ignore []string `yaml:"ignore"`
	// Guess: the secret is a password or a hash of one; try the default list.
	Guess           bool     `yaml:"guess"`
	Examples        []string `yaml:"examples"`
	Counterexamples []string `yaml:"counterexamples"`
	Source          string   `yaml:"source"`

	re     *regexp.Regexp
	ignore []*regexp.Regexp
	kw     [][]byte
}

type file struct {
	Rules []*Rule `yaml:"rules"`
}

// Load reads every embedded rule file strictly and compiles the rules.
func Load() ([]*Rule, error) {
	var out []*Rule
	seen := map[string]bool{}
	names, _ := fs.Glob(files, "*.yaml")
	for _, name := range names {
		b, _ := files.ReadFile(name)
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		var f file
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("rules/secrets/%s: %w", name, err)
		}
		for _, r := range f.Rules {
			if err := r.compile(); err != nil {
				return nil, fmt.Errorf("rules/secrets/%s: %s: %w", name, r.ID, err)
			}
			if seen[r.ID] {
				return nil, fmt.Errorf("rules/secrets/%s: duplicate rule %s", name, r.ID)
			}
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

func (r *Rule) compile() error {
	if r.ID == "" || r.Regex == "" || r.Title.EN == "" || r.Title.JA == "" || r.Remediation.EN == "" || r.Remediation.JA == "" || r.Source == "" {
		return fmt.Errorf("id, regex, title, remediation (en+ja) and source are required")
	}
	if r.Kind != "credential" && r.Kind != "secret" {
		return fmt.Errorf("kind %q", r.Kind)
	}
	if len(r.Keywords) == 0 {
		return fmt.Errorf("no keywords")
	}
	if len(r.Examples) == 0 {
		return fmt.Errorf("no examples")
	}
	var err error
	if r.re, err = regexp.Compile(r.Regex); err != nil {
		return err
	}
	for _, k := range r.Keywords {
		r.kw = append(r.kw, []byte(strings.ToLower(k)))
	}
	for _, ig := range r.Ignore {
		re, err := regexp.Compile("(?i)^(?:" + ig + ")$")
		if err != nil {
			return err
		}
		r.ignore = append(r.ignore, re)
	}
	return nil
}

// HasKeyword tells whether lower (already lower-cased) holds a keyword.
func (r *Rule) HasKeyword(lower []byte) bool {
	for _, k := range r.kw {
		if bytes.Contains(lower, k) {
			return true
		}
	}
	return false
}

// Match is one hit of a rule in a line or string.
type Match struct {
	Start, End int    // of the whole match in the input
	Secret     string // the secret group, if the rule has one
	SecretAt   int    // its offset in the input, -1 without one
	User       string
}

// Find returns the rule's hits in one line (or string) of text, after the
// entropy and ignore filters. Callers check keywords once per file.
func (r *Rule) Find(line []byte) []Match {
	var out []Match
	for _, m := range r.re.FindAllSubmatchIndex(line, -1) {
		hit := Match{Start: m[0], End: m[1], SecretAt: -1}
		// Alternatives may each have their own "secret" or "user" group:
		// take the one that took part in the match.
		for i, name := range r.re.SubexpNames() {
			if m[2*i] < 0 {
				continue
			}
			switch {
			case name == "secret" && hit.SecretAt < 0:
				hit.Secret, hit.SecretAt = string(line[m[2*i]:m[2*i+1]]), m[2*i]
			case name == "user" && hit.User == "":
				hit.User = string(line[m[2*i]:m[2*i+1]])
			}
		}
		if hit.SecretAt >= 0 && r.Ignored(hit.Secret) {
			continue
		}
		out = append(out, hit)
	}
	return out
}

// HasSecret tells whether the rule's regex names a secret.
func (r *Rule) HasSecret() bool { return r.re.SubexpIndex("secret") >= 0 }

// Ignored tells whether a secret is a placeholder or too regular to be one.
func (r *Rule) Ignored(sec string) bool {
	for _, ig := range r.ignore {
		if ig.MatchString(sec) {
			return true
		}
	}
	return r.MinEntropy > 0 && Entropy(sec) < r.MinEntropy
}

// Entropy is the Shannon entropy of s in bits per byte.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var n [256]int
	for i := 0; i < len(s); i++ {
		n[s[i]]++
	}
	var h float64
	for _, c := range n {
		if c > 0 {
			p := float64(c) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h
}
