package report

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/fwstar/fwstar/analyzer/model"
)

type sarifRenderer struct{}

func (sarifRenderer) Format() string { return "sarif" }

// sarifLevel maps severities to SARIF levels as GitHub code scanning shows them.
func sarifLevel(s model.Severity) string {
	switch {
	case s >= model.High:
		return "error"
	case s == model.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's numeric "security-severity" property.
var securitySeverity = map[model.Severity]string{
	model.Critical: "9.5", model.High: "8.0", model.Medium: "5.5", model.Low: "3.0", model.Info: "0.0",
}

// Render writes SARIF 2.1.0. Every result points at the image file as given on
// the command line (a repository file when run in CI); where the evidence sits
// inside the image is the logical location (the layer path) and, for bytes of
// the image itself, a byte region.
func (sarifRenderer) Render(w io.Writer, r *Report, o Options) error {
	rep := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("fwstar", "https://github.com/fwstar/fwstar")
	run.Tool.Driver.WithVersion(r.Tool.Version).WithSemanticVersion(r.Tool.Version)
	uri := imageURI(r.Image)
	run.AddDistinctArtifact(uri)
	seen := map[string]bool{}
	for _, f := range r.Findings {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			rule := run.AddRule(f.RuleID).WithDescription(f.Title.In(o.Lang)).WithName(ruleName(f.RuleID))
			help := f.Remediation.In(o.Lang)
			if help == "" {
				help = f.Title.In(o.Lang)
			}
			rule.WithHelp(&sarif.MultiformatMessageString{Text: &help})
			props := sarif.NewPropertyBag()
			props.Add("security-severity", securitySeverity[f.Severity])
			props.AddTag("security")
			props.AddTag(f.Kind)
			for _, c := range f.Criteria {
				props.AddTag("jc-star:" + c)
			}
			rule.WithProperties(props)
		}
		msg := f.Title.In(o.Lang)
		if d := f.Detail.In(o.Lang); d != "" {
			msg += ". " + d
		}
		if len(f.Evidence) > 0 {
			msg += " (" + f.Evidence[0].Path + ")"
		}
		res := run.CreateResultForRule(f.RuleID).WithLevel(sarifLevel(f.Severity)).WithMessage(sarif.NewTextMessage(msg))
		// AddPartialFingerprint writes to a nil map in go-sarif v3.3.1; set the map whole.
		res.WithPartialFingerprints(map[string]string{"fwstarFindingId/v1": f.ID})
		for _, e := range f.Evidence {
			phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
			if !strings.Contains(e.Path, "@0x") && e.Offset >= 0 {
				// Evidence in the image's own bytes: point at them.
				reg := sarif.NewRegion().WithByteOffset(int(e.Offset))
				if e.Length > 0 {
					reg.WithByteLength(int(e.Length))
				}
				phys.WithRegion(reg)
			}
			loc := sarif.NewLocationWithPhysicalLocation(phys)
			loc.AddLogicalLocation(sarif.NewLogicalLocation().WithFullyQualifiedName(e.Path).WithKind("member"))
			desc := e.Path
			if e.Line > 0 {
				desc += fmt.Sprintf(":%d", e.Line)
			}
			loc.WithMessage(sarif.NewTextMessage(desc))
			res.AddLocation(loc)
		}
		props := sarif.NewPropertyBag()
		props.Add("confidence", f.Confidence)
		props.Add("kind", f.Kind)
		if len(f.Criteria) > 0 {
			props.Add("jcstarCriteria", f.Criteria)
		}
		res.WithProperties(props)
	}
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

// imageURI is the image path as a relative URI reference.
func imageURI(im Image) string {
	p := im.Path
	if p == "" {
		p = im.Name
	}
	u := url.URL{Path: strings.TrimPrefix(p, "./")}
	s := u.EscapedPath()
	// A first segment with a colon would read as a scheme.
	if i := strings.IndexByte(s, ':'); i >= 0 && !strings.Contains(s[:i], "/") {
		s = "./" + s
	}
	return s
}

func ruleName(id string) string {
	parts := strings.Split(id, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}
