package vulns

import (
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// VEX states and justifications (CycloneDX analysis values, written as the
// report's model uses them).
const (
	StateAffected       = "affected"
	StateNotAffected    = "not-affected"
	JustCodeNotPresent  = "code_not_present"
	kernelConfigSetting = "kernel_config"
)

// kernelVEX decides a kernel CVE from the kernel configuration when the
// CVE's subsystem is in the table (rules/vulns/kernel.yaml): if a required
// option is not set, the code is not built and the CVE is not-affected.
// Without a configuration nothing changes: unknown is not safe.
func (d *data) kernelVEX(v *model.Vulnerability, cfg map[string]string) {
	rule, ok := d.kernel[v.ID]
	if !ok || cfg == nil {
		return
	}
	var missing, present []string
	for _, o := range rule.All {
		if set(cfg, o) {
			present = append(present, o+"="+cfg[o])
		} else {
			missing = append(missing, o)
		}
	}
	anyOK := len(rule.Any) == 0
	for _, o := range rule.Any {
		if set(cfg, o) {
			anyOK = true
			present = append(present, o+"="+cfg[o])
		}
	}
	if v.Props == nil {
		v.Props = map[string]string{}
	}
	if len(missing) == 0 && anyOK {
		v.Props[kernelConfigSetting] = strings.Join(present, " ")
		v.Reason += fmt.Sprintf("; the kernel configuration builds %s (%s)", rule.Subsystem, strings.Join(present, ", "))
		return
	}
	if !anyOK {
		missing = append(missing, "any of "+strings.Join(rule.Any, ", "))
	}
	v.State, v.Justification = StateNotAffected, JustCodeNotPresent
	v.Props[kernelConfigSetting] = "not set: " + strings.Join(missing, "; ")
	v.Reason += fmt.Sprintf("; not affected: %s is not built, the kernel configuration does not set %s", rule.Subsystem, strings.Join(missing, "; "))
}

// set tells whether a kernel option is enabled: built in, a module, or
// given a value. "n" and absence mean not set.
func set(cfg map[string]string, opt string) bool {
	v, ok := cfg[opt]
	return ok && v != "" && v != "n"
}
