package model

// Vulnerability is a known vulnerability matched to a component.
type Vulnerability struct {
	ID            string            `json:"id"`
	Aliases       []string          `json:"aliases,omitempty"`
	Component     string            `json:"component"` // Component.Ref
	Severity      Severity          `json:"severity"`
	CVSS          []CVSS            `json:"cvss,omitempty"`
	KEV           bool              `json:"kev"`
	EPSS          float64           `json:"epss,omitempty"`
	Fixed         string            `json:"fixed,omitempty"`
	Description   string            `json:"description,omitempty"`
	Reason        string            `json:"reason"` // why it matched
	State         string            `json:"state"`  // affected, not-affected (VEX)
	Justification string            `json:"justification,omitempty"`
	Source        string            `json:"source"`
	Props         map[string]string `json:"props,omitempty"`
}

// CVSS is one score.
type CVSS struct {
	Version string  `json:"version"`
	Score   float64 `json:"score"`
	Vector  string  `json:"vector"`
}
