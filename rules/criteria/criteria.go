// Package criteria loads the certification schemes fwstar scores against:
// JC-STAR ★1 with its criteria, and other schemes whose requirements are
// mapped onto ★1 criteria as data.
package criteria

import (
	"bytes"
	"embed"
	"fmt"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/fwstar/fwstar/analyzer/model"
)

//go:embed *.yaml
var files embed.FS

// Static coverage: how much an image can show about a criterion.
const (
	StaticStrong  = "strong"
	StaticPartial = "partial"
	StaticNone    = "none" // organisational or physical: document review only
)

// Criterion is one requirement of a scheme.
type Criterion struct {
	ID                  string       `yaml:"id"`
	Title               model.Text   `yaml:"title"`
	Requirement         model.Text   `yaml:"requirement"`
	Assessment          string       `yaml:"assessment"` // document, device, unconfirmed
	AssessmentConfirmed bool         `yaml:"assessment_confirmed"`
	EN303645            []string     `yaml:"en303645"`
	MappingConfirmed    bool         `yaml:"mapping_confirmed"`
	Static              string       `yaml:"static"`
	FailAt              string       `yaml:"fail_at"` // lowest severity of a finding that breaks it
	Checks              []model.Text `yaml:"checks"`
	Undetermined        model.Text   `yaml:"undetermined"`
	Documents           []model.Text `yaml:"documents"`
	Source              string       `yaml:"source"`
	From                []string     `yaml:"from"` // other schemes: the ★1 criteria whose findings apply

	failAt model.Severity
}

// FailSeverity is the lowest severity that breaks the criterion.
func (c *Criterion) FailSeverity() model.Severity { return c.failAt }

// Scheme is a set of criteria.
type Scheme struct {
	Scheme   string      `yaml:"scheme"`
	Title    model.Text  `yaml:"title"`
	Source   string      `yaml:"source"`
	Criteria []Criterion `yaml:"criteria"`
}

// Load returns every embedded scheme, JC-STAR ★1 first.
func Load() ([]*Scheme, error) {
	names, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []*Scheme
	for _, n := range names {
		b, err := files.ReadFile(n.Name())
		if err != nil {
			return nil, err
		}
		var s Scheme
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&s); err != nil {
			return nil, fmt.Errorf("criteria: %s: %w", n.Name(), err)
		}
		out = append(out, &s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Scheme == StarOne && out[j].Scheme != StarOne })
	if len(out) == 0 || out[0].Scheme != StarOne {
		return nil, fmt.Errorf("criteria: scheme %s missing", StarOne)
	}
	return out, validate(out)
}

// StarOne is the scheme ID of JC-STAR ★1.
const StarOne = "jc-star-1"

func validate(schemes []*Scheme) error {
	star := map[string]bool{}
	for _, c := range schemes[0].Criteria {
		star[c.ID] = true
	}
	for _, s := range schemes {
		seen := map[string]bool{}
		for i := range s.Criteria {
			c := &s.Criteria[i]
			if c.ID == "" || seen[c.ID] {
				return fmt.Errorf("criteria: %s: empty or duplicate id %q", s.Scheme, c.ID)
			}
			seen[c.ID] = true
			if c.Title.EN == "" || c.Title.JA == "" {
				return fmt.Errorf("criteria: %s %s: title needs en and ja", s.Scheme, c.ID)
			}
			switch c.Static {
			case StaticStrong, StaticPartial:
				sev, err := model.ParseSeverity(c.FailAt)
				if err != nil {
					return fmt.Errorf("criteria: %s %s: fail_at: %w", s.Scheme, c.ID, err)
				}
				c.failAt = sev
			case StaticNone:
			default:
				return fmt.Errorf("criteria: %s %s: static %q", s.Scheme, c.ID, c.Static)
			}
			if s.Scheme != StarOne {
				if len(c.From) == 0 {
					return fmt.Errorf("criteria: %s %s: needs from", s.Scheme, c.ID)
				}
				for _, f := range c.From {
					if !star[f] {
						return fmt.Errorf("criteria: %s %s: from %q is no ★1 criterion", s.Scheme, c.ID, f)
					}
				}
			}
			for _, d := range c.Documents {
				if d.EN == "" || d.JA == "" {
					return fmt.Errorf("criteria: %s %s: document needs en and ja", s.Scheme, c.ID)
				}
			}
		}
	}
	return nil
}
