// Package credentials holds the default and common credential list that the
// secrets pass guesses against password hashes and looks for as literals.
package credentials

import (
	"bytes"
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// Source is one published list.
type Source struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Source string `yaml:"source"`
}

// Credential is one user/password pair; an empty user means any account.
type Credential struct {
	User     string `yaml:"user"`
	Password string `yaml:"password"`
	Source   string `yaml:"source"`
	Note     string `yaml:"note"`
}

// List is the whole file.
type List struct {
	Sources     []Source     `yaml:"sources"`
	Credentials []Credential `yaml:"credentials"`
}

// Candidate is one password to try, with every list that names it.
type Candidate struct {
	Password string
	Users    []string // accounts the lists pair it with; empty for any
	Sources  []string // source IDs, first-seen order
}

// Load decodes the embedded list strictly and checks its references.
func Load() (*List, error) {
	dec := yaml.NewDecoder(bytes.NewReader(defaultsYAML))
	dec.KnownFields(true)
	var l List
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	ids := map[string]bool{}
	for _, s := range l.Sources {
		if s.ID == "" || s.Title == "" || s.Source == "" {
			return nil, fmt.Errorf("credentials: source %q lacks id, title or source", s.ID)
		}
		ids[s.ID] = true
	}
	for _, c := range l.Credentials {
		if !ids[c.Source] {
			return nil, fmt.Errorf("credentials: %s/%s: unknown source %q", c.User, c.Password, c.Source)
		}
	}
	return &l, nil
}

// SourceTitle returns the title of a source ID.
func (l *List) SourceTitle(id string) string {
	for _, s := range l.Sources {
		if s.ID == id {
			return s.Title
		}
	}
	return id
}

// Candidates returns the distinct passwords in list order.
func (l *List) Candidates() []Candidate {
	idx := map[string]int{}
	var out []Candidate
	for _, c := range l.Credentials {
		i, ok := idx[c.Password]
		if !ok {
			i = len(out)
			idx[c.Password] = i
			out = append(out, Candidate{Password: c.Password})
		}
		cd := &out[i]
		if c.User != "" && !contains(cd.Users, c.User) {
			cd.Users = append(cd.Users, c.User)
		}
		if !contains(cd.Sources, c.Source) {
			cd.Sources = append(cd.Sources, c.Source)
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
