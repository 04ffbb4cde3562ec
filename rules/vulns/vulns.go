// Package vulns holds fwstar's built-in vulnerability data: the baseline
// (NVD records and end-of-life facts, generated into baseline.json by
// `go run ./rules/vulns/gen` from nvd/*.json and eol.yaml), the
// vendor:product aliases and the kernel-configuration table, all embedded.
package vulns

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/fwstar/fwstar/analyzer/vulns/cpe"
	"github.com/fwstar/fwstar/analyzer/vulns/feed"
	"github.com/fwstar/fwstar/analyzer/vulns/version"
)

var (
	//go:embed baseline.json
	baselineJSON []byte
	//go:embed aliases.yaml
	aliasesYAML []byte
	//go:embed kernel.yaml
	kernelYAML []byte
)

// Baseline is the embedded vulnerability data.
type Baseline struct {
	// Generated is the date of the newest fact inside (the NVD records'
	// lastModified and eol.yaml's checked date), so regenerating the same
	// inputs gives the same file.
	Generated string        `json:"generated"`
	Sources   []string      `json:"sources"`
	Records   []feed.Record `json:"records"`
	Products  []Product     `json:"products"`
}

// Product is the release and end-of-life facts of one piece of software.
type Product struct {
	CPE      string    `yaml:"cpe" json:"cpe"` // NVD vendor:product
	Name     string    `yaml:"name" json:"name"`
	Source   string    `yaml:"source" json:"source"`
	Unlisted string    `yaml:"unlisted,omitempty" json:"unlisted,omitempty"`
	EOL      string    `yaml:"eol,omitempty" json:"eol,omitempty"`
	Lines    []Line    `yaml:"lines,omitempty" json:"lines,omitempty"`
	Releases []Release `yaml:"releases,omitempty" json:"releases,omitempty"`
}

// Line is a release line: every version starting with Line.
type Line struct {
	Line string `yaml:"line" json:"line"`
	EOL  string `yaml:"eol" json:"eol"`
	Last string `yaml:"last,omitempty" json:"last,omitempty"`
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Release is one release and its date.
type Release struct {
	Version string `yaml:"version" json:"version"`
	Date    string `yaml:"date" json:"date"`
}

// Alias maps component names and other vendor:product spellings onto the
// NVD vendor:product of one piece of software.
type Alias struct {
	CPE    string   `yaml:"cpe"`
	Names  []string `yaml:"names"`
	Also   []string `yaml:"also,omitempty"`
	CVE5   []string `yaml:"cve5,omitempty"`
	Source string   `yaml:"source"`
}

// KernelRule says which kernel configuration options a kernel CVE's code
// needs.
type KernelRule struct {
	CVE       string   `yaml:"cve"`
	Subsystem string   `yaml:"subsystem"`
	All       []string `yaml:"all"`
	Any       []string `yaml:"any,omitempty"`
	Source    string   `yaml:"source"`
}

var (
	loadOnce  sync.Once
	loaded    *Baseline
	aliases   []Alias
	kernel    []KernelRule
	errLoaded error
)

func load() {
	var b Baseline
	if err := json.Unmarshal(baselineJSON, &b); err != nil {
		errLoaded = fmt.Errorf("baseline.json: %w", err)
		return
	}
	loaded = &b
	var a struct {
		Aliases []Alias `yaml:"aliases"`
	}
	if err := decodeStrict(aliasesYAML, &a); err != nil {
		errLoaded = fmt.Errorf("aliases.yaml: %w", err)
		return
	}
	aliases = a.Aliases
	var k struct {
		Kernel []KernelRule `yaml:"kernel"`
	}
	if err := decodeStrict(kernelYAML, &k); err != nil {
		errLoaded = fmt.Errorf("kernel.yaml: %w", err)
		return
	}
	kernel = k.Kernel
	errLoaded = check()
}

// check refuses data that would silently match nothing.
func check() error {
	seen := map[string]bool{}
	for _, a := range aliases {
		if err := checkVP(a.CPE); err != nil || a.Source == "" || len(a.Names) == 0 {
			return fmt.Errorf("aliases.yaml: entry %q needs a valid cpe, names and a source (%v)", a.CPE, err)
		}
		for _, x := range a.Also {
			if err := checkVP(x); err != nil {
				return fmt.Errorf("aliases.yaml: %s also %q: %w", a.CPE, x, err)
			}
		}
		if seen[a.CPE] {
			return fmt.Errorf("aliases.yaml: %s listed twice", a.CPE)
		}
		seen[a.CPE] = true
	}
	for _, k := range kernel {
		if !strings.HasPrefix(k.CVE, "CVE-") || len(k.All) == 0 || k.Source == "" {
			return fmt.Errorf("kernel.yaml: entry %q needs a CVE ID, options and a source", k.CVE)
		}
		for _, o := range append(slices.Clone(k.All), k.Any...) {
			if !strings.HasPrefix(o, "CONFIG_") {
				return fmt.Errorf("kernel.yaml: %s: option %q is not CONFIG_*", k.CVE, o)
			}
		}
	}
	return nil
}

func checkVP(vp string) error {
	if _, err := cpe.Parse("cpe:2.3:*:" + vp); err != nil || strings.Count(vp, ":") != 1 {
		return fmt.Errorf("%q is not vendor:product", vp)
	}
	return nil
}

// Load returns the embedded baseline.
func Load() (*Baseline, error) {
	loadOnce.Do(load)
	return loaded, errLoaded
}

// Aliases returns the embedded alias table.
func Aliases() ([]Alias, error) {
	loadOnce.Do(load)
	return aliases, errLoaded
}

// Kernel returns the embedded kernel-configuration table.
func Kernel() ([]KernelRule, error) {
	loadOnce.Do(load)
	return kernel, errLoaded
}

func decodeStrict(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// Generate builds baseline.json from a folder holding nvd/*.json and
// eol.yaml (the rules/vulns folder). The output depends only on the inputs.
func Generate(fsys fs.FS) ([]byte, error) {
	eolYAML, err := fs.ReadFile(fsys, "eol.yaml")
	if err != nil {
		return nil, err
	}
	var eol struct {
		Checked  string    `yaml:"checked"`
		Products []Product `yaml:"products"`
	}
	if err := decodeStrict(eolYAML, &eol); err != nil {
		return nil, fmt.Errorf("eol.yaml: %w", err)
	}
	if err := checkProducts(eol.Products); err != nil {
		return nil, err
	}
	if _, err := time.Parse(time.DateOnly, eol.Checked); err != nil {
		return nil, fmt.Errorf("eol.yaml: checked: %w", err)
	}
	b := Baseline{Generated: eol.Checked, Products: eol.Products,
		Sources: []string{
			"NVD CVE API 2.0 records from github.com/fkie-cad/nvd-json-data-feeds (rules/vulns/nvd, trimmed; see its README.md)",
			"CISA Known Exploited Vulnerabilities fields as carried by those NVD records",
			"end-of-life and release facts of rules/vulns/eol.yaml (each product names its source)",
		}}
	names, err := fs.Glob(fsys, "nvd/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	for _, n := range names {
		raw, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		r, err := feed.ParseNVD(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if want := strings.TrimSuffix(path.Base(n), ".json"); r.ID != want {
			return nil, fmt.Errorf("%s: holds %s", n, r.ID)
		}
		b.Records = append(b.Records, *r)
		if d := r.LastModified[:min(len(r.LastModified), 10)]; d > b.Generated {
			b.Generated = d
		}
	}
	out, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func checkProducts(ps []Product) error {
	for _, p := range ps {
		if err := checkVP(p.CPE); err != nil || p.Source == "" || p.Name == "" {
			return fmt.Errorf("eol.yaml: product %q needs a vendor:product cpe, a name and a source", p.CPE)
		}
		if p.Unlisted != "" && p.Unlisted != "eol" {
			return fmt.Errorf("eol.yaml: %s: unlisted must be eol or absent", p.CPE)
		}
		dates := []string{p.EOL}
		for _, l := range p.Lines {
			if l.Line == "" || l.EOL == "" {
				return fmt.Errorf("eol.yaml: %s: a line needs line and eol", p.CPE)
			}
			if l.Last != "" && !lastInLine(l.Last, l.Line) {
				return fmt.Errorf("eol.yaml: %s: last %s is not in line %s", p.CPE, l.Last, l.Line)
			}
			dates = append(dates, l.EOL)
		}
		for i, r := range p.Releases {
			dates = append(dates, r.Date)
			if i > 0 && version.Compare(p.Releases[i-1].Version, r.Version) >= 0 {
				return fmt.Errorf("eol.yaml: %s: releases out of order at %s", p.CPE, r.Version)
			}
		}
		for _, d := range dates {
			if d == "" {
				continue
			}
			if _, err := ParseDate(d); err != nil {
				return fmt.Errorf("eol.yaml: %s: %w", p.CPE, err)
			}
		}
	}
	return nil
}

// lastInLine tells whether last is a release of line: "4.4.302" of 4.4,
// and OpenSSL's letter releases, "1.0.2u" of 1.0.2.
func lastInLine(last, line string) bool {
	rest, ok := strings.CutPrefix(last, line)
	return ok && rest != "" && (rest[0] == '.' || rest[0] >= 'a' && rest[0] <= 'z')
}

// ParseDate reads "2006-01-02" or "2006-01" (the first of the month).
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01", s)
}
