package model

// Identification methods of a component.
const (
	MethodPackageDB = "package-db"     // dpkg, opkg, apk, rpm database entry
	MethodString    = "version-string" // a version pattern in a file, at an offset
	MethodSONAME    = "soname"
	MethodFileName  = "file-name"
	MethodRelease   = "release-file" // os-release, openwrt_release, build info
	MethodKernel    = "kernel-banner"
	MethodHeader    = "image-header" // firmware container header fields
)

// Component is one piece of software found in the image.
type Component struct {
	Ref        string     `json:"ref"` // unique within a report: the purl, or name@version
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	Type       string     `json:"type"` // "application", "library", "operating-system", "firmware"
	Supplier   string     `json:"supplier,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	CPEs       []string   `json:"cpes,omitempty"` // CPE 2.3
	Licenses   []string   `json:"licenses,omitempty"`
	Methods    []string   `json:"methods"` // how it was identified
	Confidence string     `json:"confidence"`
	Evidence   []Evidence `json:"evidence"` // the files it covers and where its version was read
	RuleID     string     `json:"rule_id,omitempty"`
}
