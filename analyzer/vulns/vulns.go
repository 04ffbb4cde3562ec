// Package vulns matches the SBOM's components against known vulnerabilities
// and end-of-life facts, offline: the embedded baseline (rules/vulns) always,
// and a local store filled by `fwstar db import` when one is given. A scan
// never touches the network.
//
// Matching follows NVD applicability statements: configurations of nodes
// (OR/AND, negate) of CPE matches with version ranges; package-keyed sources
// (OSV) match by package URL. Every match records why. Records without
// configurations (NVD "Awaiting Analysis") never match.
package vulns

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns/cpe"
	"github.com/fwstar/fwstar/analyzer/vulns/feed"
	"github.com/fwstar/fwstar/analyzer/vulns/store"
	"github.com/fwstar/fwstar/analyzer/vulns/version"
	rules "github.com/fwstar/fwstar/rules/vulns"
)

// Source is where vulnerability data comes from: the embedded baseline,
// plus Store when set.
type Source struct {
	Store *store.Store
	// Now dates end-of-life decisions; zero means time.Now().
	Now time.Time
	// KernelConfig is the image kernel's configuration ("CONFIG_PACKET" ->
	// "y", "m", "n" or a value), when the inventory found one (IKCONFIG or
	// a .config file). With it, kernel CVEs whose subsystem is configured
	// out are "not-affected" (code_not_present).
	KernelConfig map[string]string
}

// OpenStore opens (creating if needed) the local store at path; an empty
// path means the default, os.UserCacheDir()/fwstar/vulns.db.
func OpenStore(path string) (*store.Store, error) {
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return store.Open(path)
}

// Import reads vulnerability data files into st, mapping CVE 5 vendor and
// product names through the alias table.
func Import(ctx context.Context, st *store.Store, path string) ([]store.FileResult, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	return st.Import(ctx, path, d.vendorProduct)
}

// data is the baseline indexed for matching, built once.
type data struct {
	baseline *rules.Baseline
	byKey    map[string][]*feed.Record
	aliases  []rules.Alias
	byName   map[string][]*rules.Alias // component or package name
	byVP     map[string]*rules.Alias   // cpe and also vendor:product
	cve5     map[string][]string       // lower "vendor:product" of CVE 5 -> keys
	products map[string]*rules.Product
	kernel   map[string]rules.KernelRule
}

var (
	dataOnce sync.Once
	dataVal  *data
	dataErr  error
)

func load() (*data, error) {
	dataOnce.Do(func() {
		b, err := rules.Load()
		if err != nil {
			dataErr = err
			return
		}
		as, _ := rules.Aliases()
		ks, _ := rules.Kernel()
		d := &data{baseline: b, byKey: map[string][]*feed.Record{}, aliases: as, byName: map[string][]*rules.Alias{},
			byVP: map[string]*rules.Alias{}, cve5: map[string][]string{}, products: map[string]*rules.Product{}, kernel: map[string]rules.KernelRule{}}
		for i := range b.Records {
			r := &b.Records[i]
			for _, k := range r.Keys() {
				d.byKey[k] = append(d.byKey[k], r)
			}
		}
		for i := range d.aliases {
			a := &d.aliases[i]
			for _, n := range a.Names {
				d.byName[strings.ToLower(n)] = append(d.byName[strings.ToLower(n)], a)
			}
			d.byVP[a.CPE] = a
			for _, x := range a.Also {
				d.byVP[x] = a
			}
			for _, c := range a.CVE5 {
				d.cve5[strings.ToLower(c)] = append([]string{a.CPE}, a.Also...)
			}
		}
		for i := range b.Products {
			d.products[b.Products[i].CPE] = &b.Products[i]
		}
		for _, k := range ks {
			d.kernel[k.CVE] = k
		}
		dataVal = d
	})
	return dataVal, dataErr
}

func (d *data) vendorProduct(vendor, product string) []string {
	return d.cve5[strings.ToLower(vendor+":"+product)]
}

// targets names a component every way the data may name it: its CPEs, the
// aliases of its CPEs' vendor:product and of its name, and its package URL.
func (d *data) targets(c *model.Component) []target {
	var out []target
	seen := map[string]bool{}
	add := func(n cpe.Name, v string) {
		k := n.VendorProduct()
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, target{name: n, version: v})
		if a := d.byVP[k]; a != nil {
			for _, vp := range append([]string{a.CPE}, a.Also...) {
				if !seen[vp] {
					seen[vp] = true
					out = append(out, target{name: anyName(vp), version: v})
				}
			}
		}
	}
	upstream := version.Upstream(c.Version)
	for _, s := range c.CPEs {
		n, err := cpe.Parse(s)
		if err != nil || n.Attr[cpe.Vendor] == cpe.Any || n.Attr[cpe.Product] == cpe.Any {
			continue
		}
		v := n.Attr[cpe.Version]
		if v == cpe.Any || v == cpe.NA || n.Wild[cpe.Version] {
			v = upstream
		} else if u := n.Attr[cpe.Update]; u != cpe.Any && u != cpe.NA {
			v += u
		}
		// The version is compared separately; the name keeps only what
		// restricts applicability (part, edition, target platform...).
		n.Attr[cpe.Version], n.Attr[cpe.Update] = cpe.Any, cpe.Any
		add(n, v)
	}
	for _, a := range d.byName[strings.ToLower(c.Name)] {
		add(anyName(a.CPE), upstream)
	}
	if c.PURL != "" {
		if p, err := packageurl.FromString(c.PURL); err == nil {
			out = append(out, target{pkg: feed.PackageKey(p.Type, p.Namespace, p.Name), version: cmp.Or(p.Version, c.Version)})
		}
	}
	return out
}

func anyName(vp string) cpe.Name {
	n, _ := cpe.Parse("cpe:2.3:*:" + vp)
	return n
}

// sourceRank orders sources for one CVE: the first source that has
// configurations for it decides whether it applies.
var sourceRank = map[string]int{feed.SourceNVD: 0, feed.SourceCVE5: 1, feed.SourceOSV: 2}

// Match finds the known vulnerabilities of comps and their outdated and
// end-of-life components. It returns one Vulnerability per component and
// CVE (VEX state included) and one finding per affected component, per
// outdated component and per end-of-life component.
func Match(ctx context.Context, comps []model.Component, src Source) ([]model.Vulnerability, []model.Finding, error) {
	d, err := load()
	if err != nil {
		return nil, nil, fmt.Errorf("vulnerability baseline: %w", err)
	}
	now := src.Now
	if now.IsZero() {
		now = time.Now()
	}
	tgts := make([][]target, len(comps))
	var all []target
	for i := range comps {
		tgts[i] = d.targets(&comps[i])
		all = append(all, tgts[i]...)
	}
	var vulns []model.Vulnerability
	var findings []model.Finding
	for i := range comps {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		c := &comps[i]
		recs, err := d.candidates(ctx, src.Store, tgts[i])
		if err != nil {
			return nil, nil, err
		}
		decided := map[string]bool{}
		var mine []model.Vulnerability
		for _, r := range recs {
			ids := append([]string{r.ID}, r.Aliases...)
			if slices.ContainsFunc(ids, func(id string) bool { return decided[id] }) {
				continue
			}
			if len(r.Configurations) == 0 || isWithdrawn(r.Status) {
				continue
			}
			for _, id := range ids {
				decided[id] = true
			}
			ok, hits := evalRecord(r, tgts[i], all)
			if !ok {
				continue
			}
			v, err := d.vulnerability(ctx, src, c, r, hits)
			if err != nil {
				return nil, nil, err
			}
			mine = append(mine, v)
		}
		p, v := d.product(tgts[i])
		if f, ok := vulnFinding(c, p, v, mine); ok {
			findings = append(findings, f)
		}
		if f, ok := d.lifecycle(c, p, v, now); ok {
			findings = append(findings, f)
		}
		vulns = append(vulns, mine...)
	}
	return vulns, findings, nil
}

func isWithdrawn(status string) bool {
	s := strings.ToLower(status)
	return s == "rejected" || s == "withdrawn"
}

// candidates gathers the records indexed under the targets' keys from the
// baseline and the store. A stored record replaces the baseline's of the
// same source and ID when newer. They come sorted by source rank then ID.
func (d *data) candidates(ctx context.Context, st *store.Store, ts []target) ([]*feed.Record, error) {
	type sk struct{ src, id string }
	got := map[sk]*feed.Record{}
	var keys []string
	for _, t := range ts {
		k := t.key()
		if slices.Contains(keys, k) {
			continue
		}
		keys = append(keys, k)
		for _, r := range d.byKey[k] {
			got[sk{r.Source, r.ID}] = r
		}
	}
	if st != nil {
		recs, err := st.Lookup(ctx, keys)
		if err != nil {
			return nil, fmt.Errorf("vulnerability store: %w", err)
		}
		for i := range recs {
			r := &recs[i]
			if old := got[sk{r.Source, r.ID}]; old == nil || r.LastModified > old.LastModified {
				got[sk{r.Source, r.ID}] = r
			}
		}
	}
	out := make([]*feed.Record, 0, len(got))
	for _, r := range got {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *feed.Record) int {
		return cmp.Or(cmp.Compare(sourceRank[a.Source], sourceRank[b.Source]), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

var sourceNames = map[string]string{feed.SourceNVD: "NVD", feed.SourceCVE5: "CVE", feed.SourceOSV: "OSV"}

// vulnerability builds the report entry of one matched record.
func (d *data) vulnerability(ctx context.Context, src Source, c *model.Component, r *feed.Record, hits []hit) (model.Vulnerability, error) {
	v := model.Vulnerability{ID: r.ID, Aliases: r.Aliases, Component: c.Ref, Severity: r.Severity(), CVSS: r.CVSS,
		Description: r.Description, Source: sourceNames[r.Source], State: "affected", KEV: r.KEV != nil}
	var reasons []string
	for _, h := range hits {
		if !slices.Contains(reasons, h.reason) {
			reasons = append(reasons, h.reason)
		}
		if v.Fixed == "" {
			v.Fixed = h.fixed
		}
	}
	v.Reason = strings.Join(reasons, "; ")
	props := map[string]string{}
	if r.Published != "" {
		props["published"] = r.Published
	}
	if r.Status != "" {
		props["status"] = r.Status
	}
	kev := r.KEV
	if src.Store != nil {
		k, err := src.Store.KEV(ctx, r.ID)
		if err != nil {
			return v, err
		}
		if k != nil {
			kev, v.KEV = k, true
		}
		e, err := src.Store.EPSS(ctx, r.ID)
		if err != nil {
			return v, err
		}
		if e != nil {
			v.EPSS = e.Score
			props["epss_percentile"] = fmt.Sprintf("%.5f", e.Percentile)
			props["epss_date"] = e.Date
		}
	}
	if kev != nil {
		props["kev_added"] = kev.Added
		if kev.Due != "" {
			props["kev_due"] = kev.Due
		}
		if kev.Ransomware != "" {
			props["kev_ransomware"] = kev.Ransomware
		}
	}
	if len(props) > 0 {
		v.Props = props
	}
	d.kernelVEX(&v, src.KernelConfig)
	return v, nil
}
