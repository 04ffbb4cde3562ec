// Package feed reads vulnerability data (NVD CVE API 2.0 records and feeds,
// CVE JSON 5 records, OSV records, the CISA KEV catalog, EPSS scores) into
// one normalized Record: NVD-style applicability configurations whose
// matches name a product either by CPE 2.3 or by package URL. Matching and
// storage work on Records only.
package feed

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns/cpe"
)

// Sources of records.
const (
	SourceNVD  = "nvd"
	SourceCVE5 = "cve5"
	SourceOSV  = "osv"
)

// Record is one vulnerability as one source describes it.
type Record struct {
	ID           string       `json:"id"`
	Source       string       `json:"source"`
	Aliases      []string     `json:"aliases,omitempty"`
	Status       string       `json:"status,omitempty"` // NVD vulnStatus, CVE 5 state
	Published    string       `json:"published,omitempty"`
	LastModified string       `json:"lastModified"`
	Description  string       `json:"description,omitempty"`
	CVSS         []model.CVSS `json:"cvss,omitempty"`
	KEV          *KEV         `json:"kev,omitempty"`
	// Configurations say which products are affected. A record without any
	// (NVD "Awaiting Analysis") matches nothing.
	Configurations []Config `json:"configurations,omitempty"`
}

// KEV is a CISA Known Exploited Vulnerabilities catalog entry.
type KEV struct {
	Added      string `json:"added"` // dateAdded / cisaExploitAdd
	Due        string `json:"due,omitempty"`
	Action     string `json:"action,omitempty"`
	Name       string `json:"name,omitempty"`
	Ransomware string `json:"ransomware,omitempty"` // knownRansomwareCampaignUse
}

// Config is one NVD configuration: nodes joined by Operator (OR when
// empty), the result inverted when Negate.
type Config struct {
	Operator string `json:"operator,omitempty"`
	Negate   bool   `json:"negate,omitempty"`
	Nodes    []Node `json:"nodes"`
}

// Node is a set of matches joined by Operator (OR when empty).
type Node struct {
	Operator string  `json:"operator,omitempty"`
	Negate   bool    `json:"negate,omitempty"`
	Matches  []Match `json:"cpeMatch"`
}

// Match names a product and the versions of it that are meant. Vulnerable
// false marks a platform condition (the OS or hardware the product runs on).
type Match struct {
	Vulnerable bool `json:"vulnerable"`
	// Criteria is a CPE 2.3 name; a specific version in it is an exact
	// version, "*" leaves the versions to the range.
	Criteria string `json:"criteria,omitempty"`
	// Package is a package URL without version ("pkg:deb/debian/glibc"), for
	// sources keyed by package (OSV).
	Package string `json:"package,omitempty"`
	Range
	// Except lists versions inside the range that are not affected (CVE 5
	// "unaffected" entries under defaultStatus "affected").
	Except []Range `json:"except,omitempty"`
}

// Range bounds versions; empty bounds are open. An end of the form "4.19.*"
// (CVE 5) means every 4.19.x release.
type Range struct {
	StartIncluding string `json:"versionStartIncluding,omitempty"`
	StartExcluding string `json:"versionStartExcluding,omitempty"`
	EndIncluding   string `json:"versionEndIncluding,omitempty"`
	EndExcluding   string `json:"versionEndExcluding,omitempty"`
}

// Bounded tells whether the range has any bound.
func (r Range) Bounded() bool {
	return r.StartIncluding != "" || r.StartExcluding != "" || r.EndIncluding != "" || r.EndExcluding != ""
}

// Keys are the index keys of the record: "vendor:product" of every CPE
// criteria and every package URL, without duplicates.
func (r *Record) Keys() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range r.Configurations {
		for _, n := range c.Nodes {
			for _, m := range n.Matches {
				k := m.Key()
				if k != "" && !seen[k] {
					seen[k] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// Key is the index key of one match.
func (m Match) Key() string {
	if m.Package != "" {
		return strings.ToLower(m.Package)
	}
	n, err := cpe.Parse(m.Criteria)
	if err != nil {
		return ""
	}
	return n.VendorProduct()
}

// Severity is the highest severity the record's CVSS scores give; Medium
// when it has none (unscored is not harmless).
func (r *Record) Severity() model.Severity {
	if len(r.CVSS) == 0 {
		return model.Medium
	}
	best := model.Info
	for _, c := range r.CVSS {
		if s := ScoreSeverity(c.Score); s > best {
			best = s
		}
	}
	return best
}

// MaxScore is the highest CVSS base score of the record.
func (r *Record) MaxScore() float64 {
	var best float64
	for _, c := range r.CVSS {
		best = max(best, c.Score)
	}
	return best
}

// ScoreSeverity maps a CVSS v3/v4 base score to its qualitative rating.
func ScoreSeverity(s float64) model.Severity {
	switch {
	case s >= 9:
		return model.Critical
	case s >= 7:
		return model.High
	case s >= 4:
		return model.Medium
	case s > 0:
		return model.Low
	}
	return model.Info
}
