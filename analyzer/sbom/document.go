package sbom

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
)

// Document is what an SBOM says: the image, the tool, the components and,
// for CycloneDX, the vulnerabilities with their VEX analysis.
type Document struct {
	ImageName   string // file name of the scanned image
	ImageSHA256 string
	ToolName    string // "fwstar"
	ToolVersion string
	// Created is the document time; the zero time leaves it out so that
	// documents are reproducible.
	Created         time.Time
	Components      []model.Component
	Vulnerabilities []Vulnerability
}

// Vulnerability is a known vulnerability of one or more components, with the
// VEX analysis the vulns pass gives it.
type Vulnerability struct {
	ID          string // "CVE-2023-12345"
	Source      string // "NVD", "OSV"
	SourceURL   string
	Ratings     []Rating
	Affects     []string // Refs of the affected components
	Description string
	Fixed       string // first fixed version, if known
	// Analysis is the VEX state: "resolved", "resolved_with_pedigree",
	// "exploitable", "in_triage", "false_positive" or "not_affected".
	State string
	// Justification for not_affected: "code_not_present",
	// "code_not_reachable", "requires_configuration", "requires_dependency",
	// "requires_environment", "protected_by_compiler",
	// "protected_at_runtime", "protected_at_perimeter",
	// "protected_by_mitigating_control".
	Justification string
	Detail        string
}

// Rating is one CVSS score.
type Rating struct {
	Method string // "CVSSv3", "CVSSv31" or "CVSSv4"
	Score  float64
	Vector string // "CVSS:3.1/AV:N/..."
	Source string // who scored it
}

// serial is a stable RFC 4122 name-based (SHA-based, version 5 layout) UUID
// of the image and tool, so the same scan gives the same document.
func (d *Document) serial() string {
	h := sha256.Sum256([]byte(d.ImageSHA256 + "\x00" + d.ImageName + "\x00" + d.ToolName + "\x00" + d.ToolVersion))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func (d *Document) tool() (string, string) {
	name, ver := d.ToolName, d.ToolVersion
	if name == "" {
		name = "fwstar"
	}
	if ver == "" {
		ver = "devel"
	}
	return name, ver
}
