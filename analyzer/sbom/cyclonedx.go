package sbom

import (
	"io"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/fwstar/fwstar/analyzer/model"
)

// WriteCycloneDX writes doc as CycloneDX 1.6 JSON: the image is the metadata
// component, every component lists its identity evidence (technique,
// confidence) and occurrences (layer path, offset, line), and
// vulnerabilities carry their ratings, affected refs and VEX analysis.
func WriteCycloneDX(w io.Writer, doc Document) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + doc.serial()
	name, ver := doc.tool()
	root := cdx.Component{BOMRef: "image", Type: cdx.ComponentTypeFirmware, Name: doc.ImageName}
	if doc.ImageSHA256 != "" {
		root.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: doc.ImageSHA256}}
	}
	bom.Metadata = &cdx.Metadata{
		Tools:     &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: name, Version: ver}}},
		Component: &root,
	}
	if !doc.Created.IsZero() {
		bom.Metadata.Timestamp = doc.Created.UTC().Format(time.RFC3339)
	}
	comps := make([]cdx.Component, 0, len(doc.Components))
	refs := make([]string, 0, len(doc.Components))
	for _, c := range doc.Components {
		comps = append(comps, cdxComponent(c))
		refs = append(refs, c.Ref)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: "image", Dependencies: &refs}}
	if len(doc.Vulnerabilities) > 0 {
		vs := make([]cdx.Vulnerability, 0, len(doc.Vulnerabilities))
		for _, v := range doc.Vulnerabilities {
			vs = append(vs, cdxVuln(v))
		}
		bom.Vulnerabilities = &vs
	}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

var cdxTypes = map[string]cdx.ComponentType{
	"application":      cdx.ComponentTypeApplication,
	"library":          cdx.ComponentTypeLibrary,
	"operating-system": cdx.ComponentTypeOS,
	"firmware":         cdx.ComponentTypeFirmware,
}

var techniques = map[string]cdx.EvidenceIdentityTechnique{
	model.MethodPackageDB: cdx.EvidenceIdentityTechniqueManifestAnalysis,
	model.MethodRelease:   cdx.EvidenceIdentityTechniqueManifestAnalysis,
	model.MethodString:    cdx.EvidenceIdentityTechniqueBinaryAnalysis,
	model.MethodKernel:    cdx.EvidenceIdentityTechniqueBinaryAnalysis,
	model.MethodSONAME:    cdx.EvidenceIdentityTechniqueBinaryAnalysis,
	model.MethodFileName:  cdx.EvidenceIdentityTechniqueFilename,
	model.MethodHeader:    cdx.EvidenceIdentityTechniqueOther,
}

// confidences maps our levels to CycloneDX's 0..1 scale.
var confidences = map[string]float32{model.ConfLow: 0.3, model.ConfMedium: 0.6, model.ConfHigh: 0.9}

func cdxComponent(c model.Component) cdx.Component {
	t, ok := cdxTypes[c.Type]
	if !ok {
		t = cdx.ComponentTypeLibrary
	}
	out := cdx.Component{BOMRef: c.Ref, Type: t, Name: c.Name, Version: c.Version, PackageURL: c.PURL}
	if len(c.CPEs) > 0 {
		out.CPE = c.CPEs[0]
	}
	if c.Supplier != "" {
		out.Supplier = &cdx.OrganizationalEntity{Name: c.Supplier}
	}
	if len(c.Licenses) > 0 {
		ls := cdx.Licenses{}
		for _, l := range c.Licenses {
			// Package databases hold free text ("GPL-2.0+", "GPLv2"), so
			// it goes in name, which the schema does not check against the
			// SPDX list.
			ls = append(ls, cdx.LicenseChoice{License: &cdx.License{Name: l}})
		}
		out.Licenses = &ls
	}
	conf := confidences[c.Confidence]
	var methods []cdx.EvidenceIdentityMethod
	for _, m := range c.Methods {
		tech, ok := techniques[m]
		if !ok {
			tech = cdx.EvidenceIdentityTechniqueOther
		}
		methods = append(methods, cdx.EvidenceIdentityMethod{Technique: tech, Confidence: &conf, Value: m})
	}
	field := cdx.EvidenceIdentityFieldTypeName
	if c.PURL != "" {
		field = cdx.EvidenceIdentityFieldTypePURL
	}
	ids := []cdx.EvidenceIdentity{{Field: field, Confidence: &conf, Methods: &methods}}
	var occ []cdx.EvidenceOccurrence
	for _, e := range c.Evidence {
		o := cdx.EvidenceOccurrence{Location: e.Path}
		if e.Offset >= 0 {
			off := int(e.Offset)
			o.Offset = &off
		}
		if e.Line > 0 {
			line := e.Line
			o.Line = &line
		}
		if e.SHA256 != "" {
			o.AdditionalContext = "sha256:" + e.SHA256
		}
		occ = append(occ, o)
	}
	out.Evidence = &cdx.Evidence{Identity: &cdx.EvidenceIdentityChoice{Identities: &ids}}
	if len(occ) > 0 {
		out.Evidence.Occurrences = &occ
	}
	if len(c.CPEs) > 1 || c.RuleID != "" {
		var props []cdx.Property
		for _, cpe := range c.CPEs[min(1, len(c.CPEs)):] {
			props = append(props, cdx.Property{Name: "fwstar:cpe", Value: cpe})
		}
		if c.RuleID != "" {
			props = append(props, cdx.Property{Name: "fwstar:fingerprint", Value: c.RuleID})
		}
		out.Properties = &props
	}
	return out
}

func cdxVuln(v Vulnerability) cdx.Vulnerability {
	out := cdx.Vulnerability{BOMRef: v.ID, ID: v.ID, Description: v.Description}
	if v.Source != "" {
		out.Source = &cdx.Source{Name: v.Source, URL: v.SourceURL}
	}
	if len(v.Ratings) > 0 {
		rs := make([]cdx.VulnerabilityRating, 0, len(v.Ratings))
		for _, r := range v.Ratings {
			score := r.Score
			cr := cdx.VulnerabilityRating{Score: &score, Method: cdx.ScoringMethod(r.Method), Vector: r.Vector, Severity: severity(r.Score)}
			if r.Source != "" {
				cr.Source = &cdx.Source{Name: r.Source}
			}
			rs = append(rs, cr)
		}
		out.Ratings = &rs
	}
	if len(v.Affects) > 0 {
		as := make([]cdx.Affects, 0, len(v.Affects))
		for _, ref := range v.Affects {
			a := cdx.Affects{Ref: ref}
			if v.Fixed != "" {
				a.Range = &[]cdx.AffectedVersions{{Version: v.Fixed, Status: cdx.VulnerabilityStatusNotAffected}}
			}
			as = append(as, a)
		}
		out.Affects = &as
	}
	if v.Fixed != "" {
		out.Recommendation = "Upgrade to " + v.Fixed + " or later."
	}
	if v.State != "" || v.Justification != "" || v.Detail != "" {
		out.Analysis = &cdx.VulnerabilityAnalysis{
			State:         cdx.ImpactAnalysisState(v.State),
			Justification: cdx.ImpactAnalysisJustification(v.Justification),
			Detail:        v.Detail,
		}
	}
	return out
}

// severity is the CVSS v3/v4 qualitative rating of a score.
func severity(s float64) cdx.Severity {
	switch {
	case s >= 9:
		return cdx.SeverityCritical
	case s >= 7:
		return cdx.SeverityHigh
	case s >= 4:
		return cdx.SeverityMedium
	case s > 0:
		return cdx.SeverityLow
	}
	return cdx.SeverityNone
}
