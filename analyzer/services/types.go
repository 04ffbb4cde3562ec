package services

import "github.com/fwstar/fwstar/analyzer/model"

// Result is what the pass learnt about the image's services, login paths,
// update, communication, reset and identification evidence. Positive
// evidence (signature checks on, TLS configured, a factory reset, a model
// string) is kept beside the problems so a score can say "conforms" with
// the files that show it.
type Result struct {
	Services []*Service  `json:"services"`
	Logins   []*Login    `json:"login_paths"`
	Updates  []*Fact     `json:"updates"`
	Comms    []*Fact     `json:"comms"`
	Resets   []*Fact     `json:"resets"`
	Identity []*Ident    `json:"identification"`
	Limits   []*Fact     `json:"brute_force"` // login delays, retry limits
	Systems  []SystemRef `json:"systems"`
}

// SystemRef is one filesystem the pass looked at and the init it found.
type SystemRef struct {
	Layer string `json:"layer"`
	Init  string `json:"init,omitempty"` // "busybox", "sysvinit", "procd", "systemd"; "" when none
}

// Service states.
const (
	StateEnabled     = "enabled"     // started at boot (or on demand by inetd)
	StateConditional = "conditional" // started when Condition holds
	StateDisabled    = "disabled"    // configured but switched off
	StateNotStarted  = "not-started" // present, nothing in the image starts it
)

// Start is one place that starts a program.
type Start struct {
	Mechanism string         `json:"mechanism"` // inittab, procd, sysv, systemd, inetd, xinetd, cron, hotplug, script, entry-script, failsafe
	At        model.Evidence `json:"at"`
	Command   []string       `json:"command"`
	State     string         `json:"state"`
	Condition string         `json:"condition,omitempty"`
	Via       string         `json:"via,omitempty"` // the link or unit that enables it
}

// Service is one daemon of the image.
type Service struct {
	Name      string           `json:"name"`
	Kind      string           `json:"kind"` // ssh, telnet, http, ftp, tftp, snmp, upnp, mqtt, adb, debug, dns, dhcp, ...
	Layer     string           `json:"layer"`
	Binary    string           `json:"binary"`           // as the device names it
	Path      string           `json:"path,omitempty"`   // layer path of the binary; empty when absent
	Applet    bool             `json:"applet,omitempty"` // a BusyBox applet link
	State     string           `json:"state"`
	Condition string           `json:"condition,omitempty"`
	Starts    []*Start         `json:"starts,omitempty"`
	Ports     []string         `json:"ports,omitempty"` // "tcp/22", "0.0.0.0:80"
	Auth      *Auth            `json:"auth,omitempty"`
	TLS       *TLS             `json:"tls,omitempty"`
	Config    []model.Evidence `json:"config,omitempty"`
	CGIs      []string         `json:"cgis,omitempty"` // layer paths of CGI programs served
	Notes     []string         `json:"notes,omitempty"`
}

// Auth is how a service authenticates its users.
type Auth struct {
	Required bool              `json:"required"` // some credential is asked before access
	Methods  []string          `json:"methods,omitempty"`
	Settings map[string]string `json:"settings,omitempty"`
	Evidence []model.Evidence  `json:"evidence,omitempty"`
}

// TLS is a service's transport security as configured.
type TLS struct {
	Enabled   bool             `json:"enabled"`
	Cert      string           `json:"cert,omitempty"`
	Key       string           `json:"key,omitempty"`
	CertFound bool             `json:"cert_found"`
	KeyFound  bool             `json:"key_found"`
	Protocols string           `json:"protocols,omitempty"`
	Notes     []string         `json:"notes,omitempty"`
	Evidence  []model.Evidence `json:"evidence,omitempty"`
}

// Login is a way to get a shell: a console getty, an askfirst shell, a
// network login account.
type Login struct {
	Kind      string         `json:"kind"` // getty, shell, login, network-console
	TTY       string         `json:"tty,omitempty"`
	Serial    bool           `json:"serial"` // a serial port or /dev/console
	Password  bool           `json:"password"`
	Account   string         `json:"account,omitempty"`
	Command   []string       `json:"command,omitempty"`
	At        model.Evidence `json:"at"`
	State     string         `json:"state"`
	Condition string         `json:"condition,omitempty"`
	Notes     []string       `json:"notes,omitempty"`
}

// Signals of a Fact.
const (
	Positive = "positive" // evidence of conformance
	Negative = "negative" // evidence of non-conformance
	Neutral  = "neutral"  // present, neither way by itself
)

// Fact is one piece of update, communication, reset or brute-force evidence.
type Fact struct {
	Topic    string            `json:"topic"` // "opkg", "sysupgrade", "tls-library", "factory-reset"...
	Signal   string            `json:"signal"`
	Summary  string            `json:"summary"`
	Props    map[string]string `json:"props,omitempty"`
	Evidence []model.Evidence  `json:"evidence"`
}

// Ident is one identification string: a model, version or distribution.
type Ident struct {
	Field    string         `json:"field"` // model, vendor, version, revision, distribution, board, hostname
	Value    string         `json:"value"`
	Key      string         `json:"key,omitempty"` // the variable or header field it came from
	Evidence model.Evidence `json:"evidence"`
}
