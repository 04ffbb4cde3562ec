// Package analyzer is the scan pipeline: unpack, inventory, SBOM, secrets,
// vulnerabilities, attack surface, scoring, in that order, into one Report.
// Passes know nothing of formats and of each other beyond what they return.
package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fwstar/fwstar/analyzer/inventory"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/analyzer/sbom"
	"github.com/fwstar/fwstar/analyzer/scoring"
	"github.com/fwstar/fwstar/analyzer/secrets"
	"github.com/fwstar/fwstar/analyzer/services"
	"github.com/fwstar/fwstar/analyzer/vulns"
	"github.com/fwstar/fwstar/analyzer/vulns/store"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/rules/criteria"
)

// Version is fwstar's version; RulesVersion dates the embedded rule data.
const (
	Version      = "0.1.0"
	RulesVersion = "2026-11-26"
)

// Options configure a scan.
type Options struct {
	Engine *engine.Engine // nil means engine.Default()
	// Dir keeps the extracted tree there; empty means a temporary folder
	// removed when the scan ends.
	Dir string
	// Now is the scan time, used for certificate validity and the report's
	// timestamp. Zero means time.Now().
	Now time.Time
	// Stage, when set, is told when each stage starts (for progress display).
	Stage func(name string)
	// VulnStore is a local vulnerability store (fwstar db import) consulted
	// beside the built-in baseline; nil means the baseline alone.
	VulnStore *store.Store
}

// Scan runs the whole pipeline on one image. It fails only when the image
// cannot be read; every other problem is recorded in the report.
func Scan(ctx context.Context, image string, o Options) (*report.Report, error) {
	if o.Engine == nil {
		o.Engine = engine.Default()
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	stage := func(s string) {
		if o.Stage != nil {
			o.Stage(s)
		}
	}
	dir := o.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "fwstar-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	stage("unpack")
	m, err := o.Engine.Extract(ctx, image, dir)
	if err != nil {
		return nil, err
	}
	t := model.NewTree(m, dir)
	r := newReport(image, m, t, o.Now)

	fail := func(pass string, err error) {
		if err != nil {
			r.Problems = append(r.Problems, report.Problem{Layer: m.Input, Kind: "pass", Detail: pass + ": " + err.Error()})
		}
	}
	stage("inventory")
	inv, invFindings, err := inventory.Run(ctx, t)
	fail("inventory", err)
	if inv != nil {
		r.Inventory = inv
	}
	r.Findings = append(r.Findings, invFindings...)

	stage("sbom")
	comps, err := sbom.Build(ctx, t)
	fail("sbom", err)
	r.Components = comps

	stage("vulnerabilities")
	vs, vulnFindings, err := vulns.Match(ctx, comps, vulns.Source{Store: o.VulnStore, Now: o.Now, KernelConfig: kernelConfig(inv)})
	fail("vulnerabilities", err)
	r.Vulnerabilities = append(r.Vulnerabilities, vs...)
	r.Findings = append(r.Findings, vulnFindings...)

	stage("secrets")
	secFindings, err := secrets.RunWith(ctx, t, secrets.Options{Now: o.Now})
	fail("secrets", err)
	r.Findings = append(r.Findings, secFindings...)

	stage("attack-surface")
	surf, svcFindings, err := services.Run(ctx, t, r.Findings)
	fail("attack-surface", err)
	if surf != nil {
		r.AttackSurface = surf
		r.Facts = append(r.Facts, surfaceFacts(surf)...)
	}
	r.Findings = dedupe(append(r.Findings, svcFindings...))
	r.Facts = append(r.Facts, accountFacts(t, r.Findings)...)
	r.Facts = append(r.Facts, updatePathFacts(r.Findings)...)

	stage("score")
	schemes, err := criteria.Load()
	if err != nil {
		return nil, fmt.Errorf("criteria catalog: %w", err)
	}
	r.Sort()
	r.Scores = scoring.Score(schemes, r.Findings, r.Facts, scoring.Context{OS: len(t.RootFSes()) > 0})
	r.EN303645 = scoring.EN303645(r.Scores[0], schemes[0])
	return r, nil
}

// Rescore recomputes the scorecards, after suppressions changed the findings.
func Rescore(r *report.Report, hasOS bool) error {
	schemes, err := criteria.Load()
	if err != nil {
		return err
	}
	r.Scores = scoring.Score(schemes, r.Findings, r.Facts, scoring.Context{OS: hasOS})
	r.EN303645 = scoring.EN303645(r.Scores[0], schemes[0])
	return nil
}

func newReport(image string, m *engine.Manifest, t *model.Tree, now time.Time) *report.Report {
	r := &report.Report{
		Schema: report.SchemaID, Version: report.Version,
		Tool:        report.Tool{Name: "fwstar", Version: Version, RulesVersion: RulesVersion},
		GeneratedAt: now.UTC().Format(time.RFC3339),
		Lang:        "en",
		Image:       report.Image{Name: filepath.Base(image), Path: filepath.ToSlash(image), Size: m.Size, SHA256: m.SHA256},
		Components:  []model.Component{}, Vulnerabilities: []model.Vulnerability{},
		Findings: []model.Finding{}, Facts: []model.Fact{}, Problems: []report.Problem{},
	}
	for _, c := range m.Chunks {
		r.Layers = append(r.Layers, report.Layer{Layer: c.Layer, Kind: c.Kind, Format: c.Format, Offset: c.Offset,
			Size: c.Size, Info: c.Info, Entries: len(c.Entries), Entropy: c.Entropy, Error: c.Error})
		r.Stats.Chunks++
		if c.Kind == engine.KindUnknown {
			r.Stats.Unknown++
		}
		if c.Error != "" {
			kind := "error"
			if c.Limit != "" {
				kind = "limit:" + c.Limit
			}
			r.Problems = append(r.Problems, report.Problem{Layer: c.Layer, Kind: kind, Detail: c.Error})
		}
		for _, p := range c.Problems {
			r.Problems = append(r.Problems, report.Problem{Layer: c.Layer + "/" + p.Path, Kind: p.Kind, Detail: p.Detail})
		}
		for _, e := range c.Entries {
			switch e.Type {
			case engine.TypeFile, engine.TypeHardlink, engine.TypeBlob:
				r.Stats.Files++
			case engine.TypeDir:
				r.Stats.Dirs++
			case engine.TypeSymlink:
				r.Stats.Symlinks++
			default:
				r.Stats.Specials++
			}
		}
	}
	for _, p := range m.Problems {
		r.Problems = append(r.Problems, report.Problem{Layer: p.Path, Kind: p.Kind, Detail: p.Detail})
	}
	r.Stats.RootFS = len(t.RootFSes())
	return r
}

// kernelConfig is the configuration of the image's kernel, when the
// inventory found one embedded (IKCONFIG).
func kernelConfig(inv *inventory.Result) map[string]string {
	if inv == nil {
		return nil
	}
	for _, rec := range inv.Files {
		if rec.Kernel != nil && rec.Kernel.Config != nil {
			return rec.Kernel.Config
		}
	}
	return nil
}
