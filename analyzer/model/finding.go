// Package model holds what the analyzer passes share: the extracted tree they
// read, and the findings and components they produce. Passes know nothing of
// formats; they see files by layer path.
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity orders findings. The JSON form is the lower-case name.
type Severity int

const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames, ", "))
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Confidence of a finding or component identification.
const (
	ConfLow    = "low"
	ConfMedium = "medium"
	ConfHigh   = "high"
)

// Finding kinds.
const (
	KindComponent  = "component"  // outdated or end-of-life component
	KindSecret     = "secret"     // key, token, certificate problem
	KindCredential = "credential" // account, password, hard-coded login
	KindVuln       = "vuln"       // known vulnerability
	KindHardening  = "hardening"  // binary or kernel hardening, file permissions
	KindService    = "service"    // exposed service or login path
	KindUpdate     = "update"     // update and integrity evidence
	KindComms      = "comms"      // communication security
	KindProblem    = "problem"    // something the scan could not do
)

// Text is a message in English and Japanese.
type Text struct {
	EN string `json:"en"`
	JA string `json:"ja,omitempty"`
}

// In returns the text in lang ("en" or "ja"), falling back to English.
func (t Text) In(lang string) string {
	if lang == "ja" && t.JA != "" {
		return t.JA
	}
	return t.EN
}

// Evidence is where a finding came from, exactly.
type Evidence struct {
	Path    string `json:"path"`             // layer path: "fw.bin@0x11B0A0:squashfs/etc/shadow"
	Offset  int64  `json:"offset"`           // byte offset in that file (or blob); -1 for the whole file
	Length  int64  `json:"length,omitempty"` // bytes of the match
	Line    int    `json:"line,omitempty"`   // 1-based line, for text files
	SHA256  string `json:"sha256,omitempty"` // of the whole file
	Excerpt string `json:"excerpt,omitempty"`
}

// Finding is one thing wrong (or noteworthy) about the image.
type Finding struct {
	ID          string            `json:"id"`      // stable fingerprint, for baselines
	RuleID      string            `json:"rule_id"` // stable kebab-case ID from rules/
	Kind        string            `json:"kind"`
	Severity    Severity          `json:"severity"`
	Confidence  string            `json:"confidence"`
	Title       Text              `json:"title"`
	Detail      Text              `json:"detail,omitzero"`
	Remediation Text              `json:"remediation,omitzero"`
	Evidence    []Evidence        `json:"evidence"`
	Criteria    []string          `json:"criteria,omitempty"` // JC-STAR ★1 criterion IDs
	Props       map[string]string `json:"props,omitempty"`    // rule-specific facts: "account": "root"
	Secret      string            `json:"secret,omitempty"`   // the raw secret; renderers redact it unless asked
}

// Fingerprint sets f.ID from the rule, the evidence paths and a key the rule
// chooses (an account name, a CVE ID), so the same problem keeps its ID across
// scans of rebuilt images for baselines. Offsets and hashes are left out on
// purpose: they change with every build.
func (f *Finding) Fingerprint(key string) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", f.RuleID, key)
	for _, e := range f.Evidence {
		fmt.Fprintf(h, "%s\x00", stripOffsets(e.Path))
	}
	f.ID = hex.EncodeToString(h.Sum(nil))[:16]
}

// stripOffsets drops the "@0x...:" offsets of a layer path, which move when an
// image is rebuilt, keeping the formats and paths.
func stripOffsets(p string) string {
	var b strings.Builder
	for {
		i := strings.Index(p, "@0x")
		if i < 0 {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i+1])
		p = p[i+3:]
		j := strings.IndexByte(p, ':')
		if j < 0 {
			return b.String()
		}
		p = p[j:]
	}
}

// Fact is positive evidence bearing on criteria: "opkg checks package
// signatures", "a factory-reset path exists". Scoring needs facts to say a
// criterion conforms; the absence of findings alone never proves it.
type Fact struct {
	RuleID   string     `json:"rule_id"`
	Title    Text       `json:"title"`
	Evidence []Evidence `json:"evidence"`
	Criteria []string   `json:"criteria"`
}
