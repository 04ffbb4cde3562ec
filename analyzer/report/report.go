// Package report is the canonical result of a scan and its renderers. The
// JSON form (schema/report.schema.json, versioned by Version) is the contract;
// text, SARIF and HTML are views of it. Renderers never filter: the Report
// arrives sorted and already suppressed.
package report

import (
	"sort"

	"github.com/fwstar/fwstar/analyzer/inventory"
	"github.com/fwstar/fwstar/analyzer/services"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/scoring"
)

// Version of the report's JSON shape; bumped on incompatible change.
const Version = "1.0"

// SchemaID names the JSON schema the report validates against.
const SchemaID = "https://github.com/fwstar/fwstar/analyzer/report/schema/report.schema.json"

// Report is everything a scan found.
type Report struct {
	Schema          string                `json:"$schema"`
	Version         string                `json:"report_version"`
	Tool            Tool                  `json:"tool"`
	GeneratedAt     string                `json:"generated_at"` // the only field that differs between runs on the same input
	Lang            string                `json:"lang"`
	Image           Image                 `json:"image"`
	Layers          []Layer               `json:"layers"`
	Stats           Stats                 `json:"stats"`
	Inventory       *inventory.Result     `json:"inventory,omitempty"`
	Components      []model.Component     `json:"components"`
	Vulnerabilities []model.Vulnerability `json:"vulnerabilities"`
	AttackSurface   *services.Result      `json:"attack_surface,omitempty"`
	Findings        []model.Finding       `json:"findings"`
	Facts           []model.Fact          `json:"facts"`
	Scores          []*scoring.Result     `json:"scores"`
	EN303645        []scoring.Provision   `json:"en303645"`
	Suppressed      []Suppressed          `json:"suppressed,omitempty"`
	Problems        []Problem             `json:"problems"`
}

// Tool names fwstar and the data it ran with.
type Tool struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	RulesVersion string `json:"rules_version"`
}

// Image is the scanned input.
type Image struct {
	Name   string `json:"name"`
	Path   string `json:"path"` // as given on the command line; SARIF locations use it
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Layer is one chunk of the layer tree.
type Layer struct {
	Layer   string  `json:"layer"`
	Kind    string  `json:"kind"`
	Format  string  `json:"format,omitempty"`
	Offset  int64   `json:"offset"`
	Size    int64   `json:"size"`
	Info    string  `json:"info,omitempty"`
	Entries int     `json:"entries"`
	Entropy float64 `json:"entropy,omitempty"`
	Error   string  `json:"error,omitempty"`
}

// Stats counts what was unpacked.
type Stats struct {
	Chunks   int `json:"chunks"`
	Unknown  int `json:"unknown_chunks"`
	Files    int `json:"files"`
	Dirs     int `json:"dirs"`
	Symlinks int `json:"symlinks"`
	Specials int `json:"specials"`
	RootFS   int `json:"root_filesystems"`
}

// Suppressed is a finding a suppression file accepted, with why.
type Suppressed struct {
	Finding model.Finding `json:"finding"`
	Reason  string        `json:"reason"`
	Expires string        `json:"expires,omitempty"`
}

// Problem is something the scan could not do: an unpacking error, a budget hit.
type Problem struct {
	Layer  string `json:"layer"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// Sort puts every list in its canonical order, so that the same input gives
// the same report.
func (r *Report) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool { return findingLess(&r.Findings[i], &r.Findings[j]) })
	sort.SliceStable(r.Facts, func(i, j int) bool {
		if r.Facts[i].RuleID != r.Facts[j].RuleID {
			return r.Facts[i].RuleID < r.Facts[j].RuleID
		}
		return firstPath(r.Facts[i].Evidence) < firstPath(r.Facts[j].Evidence)
	})
	sort.SliceStable(r.Components, func(i, j int) bool { return r.Components[i].Ref < r.Components[j].Ref })
	sort.SliceStable(r.Vulnerabilities, func(i, j int) bool {
		a, b := r.Vulnerabilities[i], r.Vulnerabilities[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Component < b.Component
	})
	sort.SliceStable(r.Layers, func(i, j int) bool { return r.Layers[i].Layer < r.Layers[j].Layer })
	sort.SliceStable(r.Problems, func(i, j int) bool {
		if r.Problems[i].Layer != r.Problems[j].Layer {
			return r.Problems[i].Layer < r.Problems[j].Layer
		}
		return r.Problems[i].Detail < r.Problems[j].Detail
	})
}

func findingLess(a, b *model.Finding) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	if a.RuleID != b.RuleID {
		return a.RuleID < b.RuleID
	}
	if pa, pb := firstPath(a.Evidence), firstPath(b.Evidence); pa != pb {
		return pa < pb
	}
	return a.ID < b.ID
}

func firstPath(es []model.Evidence) string {
	if len(es) == 0 {
		return ""
	}
	return es[0].Path
}

// Redact returns a copy without raw secrets, for every output unless the user
// asked for them with --show-secrets.
func (r *Report) Redact() *Report {
	c := *r
	c.Findings = make([]model.Finding, len(r.Findings))
	for i, f := range r.Findings {
		f.Secret = ""
		c.Findings[i] = f
	}
	c.Suppressed = make([]Suppressed, len(r.Suppressed))
	for i, s := range r.Suppressed {
		s.Finding.Secret = ""
		c.Suppressed[i] = s
	}
	return &c
}

// Star1 returns the JC-STAR ★1 scorecard.
func (r *Report) Star1() *scoring.Result {
	for _, s := range r.Scores {
		if s.Scheme == "jc-star-1" {
			return s
		}
	}
	return nil
}

// Counts returns the number of findings per severity.
func (r *Report) Counts() map[model.Severity]int {
	m := map[model.Severity]int{}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}
