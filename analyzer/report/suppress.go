package report

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fwstar/fwstar/analyzer/model"
)

// Suppressions is a baseline file: accepted findings, each with a reason, so
// that only new findings fail a CI build.
type Suppressions struct {
	Suppressions []Suppression `yaml:"suppressions" json:"suppressions"`
}

// Suppression matches findings by ID, or by rule and optionally a layer-path
// glob ("**/etc/shadow"; offsets are ignored as in IDs).
type Suppression struct {
	ID      string `yaml:"id,omitempty" json:"id,omitempty"`
	Rule    string `yaml:"rule,omitempty" json:"rule,omitempty"`
	Path    string `yaml:"path,omitempty" json:"path,omitempty"`
	Reason  string `yaml:"reason" json:"reason"`
	Expires string `yaml:"expires,omitempty" json:"expires,omitempty"` // YYYY-MM-DD, last day it applies
}

// LoadSuppressions reads a suppression file (YAML or JSON).
func LoadSuppressions(file string) (*Suppressions, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var s Suppressions
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, x := range s.Suppressions {
		if x.Reason == "" {
			return nil, fmt.Errorf("%s: suppression %d has no reason", file, i+1)
		}
		if x.ID == "" && x.Rule == "" {
			return nil, fmt.Errorf("%s: suppression %d names neither id nor rule", file, i+1)
		}
		if x.Expires != "" {
			if _, err := time.Parse(time.DateOnly, x.Expires); err != nil {
				return nil, fmt.Errorf("%s: suppression %d: expires: %w", file, i+1, err)
			}
		}
	}
	return &s, nil
}

func (x *Suppression) matches(f *model.Finding) bool {
	if x.ID != "" && x.ID != f.ID {
		return false
	}
	if x.Rule != "" && x.Rule != f.RuleID {
		return false
	}
	if x.Path != "" {
		for _, e := range f.Evidence {
			if model.Match(x.Path, stripLayerOffsets(e.Path)) {
				return true
			}
		}
		return false
	}
	return true
}

// stripLayerOffsets turns "fw.bin@0x1F:squashfs/etc/shadow" into
// "fw.bin/squashfs/etc/shadow" so path globs survive rebuilds.
func stripLayerOffsets(p string) string {
	var b []byte
	for i := 0; i < len(p); i++ {
		if p[i] == '@' && i+2 < len(p) && p[i+1] == '0' && p[i+2] == 'x' {
			j := i + 3
			for j < len(p) && p[j] != ':' {
				j++
			}
			if j < len(p) {
				b = append(b, '/')
				i = j
				continue
			}
		}
		b = append(b, p[i])
	}
	return string(b)
}

// Apply moves the findings a suppression matches into r.Suppressed. Expired
// suppressions do not apply; they are returned so the user can be told.
func (r *Report) Apply(s *Suppressions, now time.Time) (expired []Suppression) {
	if s == nil {
		return nil
	}
	var live []Suppression
	today := now.Format(time.DateOnly)
	for _, x := range s.Suppressions {
		if x.Expires != "" && x.Expires < today {
			expired = append(expired, x)
			continue
		}
		live = append(live, x)
	}
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		var hit *Suppression
		for i := range live {
			if live[i].matches(&f) {
				hit = &live[i]
				break
			}
		}
		if hit != nil {
			r.Suppressed = append(r.Suppressed, Suppressed{Finding: f, Reason: hit.Reason, Expires: hit.Expires})
		} else {
			kept = append(kept, f)
		}
	}
	r.Findings = kept
	return expired
}

// Baseline returns a suppression file accepting every current finding.
func (r *Report) Baseline(reason string) *Suppressions {
	s := &Suppressions{}
	for _, f := range r.Findings {
		s.Suppressions = append(s.Suppressions, Suppression{ID: f.ID, Rule: f.RuleID, Reason: reason})
	}
	return s
}
