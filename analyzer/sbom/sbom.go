// Package sbom inventories the software in an extracted firmware tree and
// writes it as CycloneDX 1.6 or SPDX 2.3 JSON.
//
// Components come from package databases (dpkg, Debian installer udebs, opkg
// and .ipk files, apk), language metadata (Python dist-info/egg-info, npm
// package.json, Go build info), release files (OpenWrt, os-release, Buildroot,
// Yocto, Debian) and binary fingerprints (rules/fingerprints: version strings,
// file names, SONAMEs). The same component found by several methods is merged.
//
// Why not syft: linking github.com/anchore/syft costs a 174 s cold build, a
// 113 MB binary and 850 modules (see the project's dependency survey), which
// breaks the "one small static binary, fast CI" goal; and it misses what
// firmware carries most (dropbear, dnsmasq, uClibc, musl, hostapd, opkg purls).
// The catalogers here cover the package databases firmware actually uses. RPM
// is left out on purpose: rpmdb (BerkeleyDB/SQLite/ndb) is rare in firmware.
package sbom

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/rules/fingerprints"
)

var (
	loadOnce sync.Once
	loaded   *catalog
	loadErr  error
)

// catalog is the fingerprint set with its lookup tables, built once.
type catalog struct {
	fps     []*fingerprints.Fingerprint
	byID    map[string]*fingerprints.Fingerprint
	byPkg   map[string][]*fingerprints.Fingerprint // package name -> fingerprints
	scanner *scanner
}

func getCatalog() (*catalog, error) {
	loadOnce.Do(func() {
		fps, err := fingerprints.Load()
		if err != nil {
			loadErr = err
			return
		}
		c := &catalog{fps: fps, byID: map[string]*fingerprints.Fingerprint{}, byPkg: map[string][]*fingerprints.Fingerprint{}}
		for _, fp := range fps {
			c.byID[fp.ID] = fp
			for _, p := range fp.Packages {
				c.byPkg[p] = append(c.byPkg[p], fp)
			}
		}
		c.scanner = newScanner(fps)
		loaded = c
	})
	return loaded, loadErr
}

// Build inventories t and returns its components, merged and sorted by Ref.
func Build(ctx context.Context, t *model.Tree) ([]model.Component, error) {
	cat, err := getCatalog()
	if err != nil {
		return nil, fmt.Errorf("fingerprints: %w", err)
	}
	var pkgs []*pkgEntry
	for _, cl := range catalogers {
		for _, f := range t.Glob(cl.globs...) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if !f.Regular() {
				continue
			}
			pkgs = append(pkgs, cl.parse(t, f)...)
		}
	}
	osComps := identify(t)
	dets, goPkgs, err := cat.scanner.scan(ctx, t)
	if err != nil {
		return nil, err
	}
	pkgs = append(pkgs, goPkgs...)
	return assemble(cat, osComps, pkgs, dets), nil
}

// comp is a component being assembled.
type comp struct {
	model.Component
	fp     *fingerprints.Fingerprint
	pkg    *pkgEntry // the package database entry, if any
	binVer string    // version read from a binary, if any
	owned  map[string]bool
}

func (c *comp) addEvidence(ev ...model.Evidence) {
	for _, e := range ev {
		if !slices.Contains(c.Evidence, e) {
			c.Evidence = append(c.Evidence, e)
		}
	}
}

func (c *comp) addMethod(m string) {
	if !slices.Contains(c.Methods, m) {
		c.Methods = append(c.Methods, m)
	}
}

func (c *comp) raise(conf string) {
	if rank(conf) > rank(c.Confidence) {
		c.Confidence = conf
	}
}

func rank(conf string) int {
	return slices.Index([]string{model.ConfLow, model.ConfMedium, model.ConfHigh}, conf)
}

// assemble merges package entries and binary detections into components:
// package entries of one database that name the same package at the same
// version merge; a detection merges into the package that owns its file, or
// else into a package the fingerprint names at the same upstream version;
// detections of one fingerprint at one version merge across files.
func assemble(cat *catalog, osComps []*comp, pkgs []*pkgEntry, dets []detection) []model.Component {
	var all []*comp
	all = append(all, osComps...)

	byKey := map[string]*comp{}
	var pkgComps []*comp
	for _, p := range pkgs {
		key := p.eco + "\x00" + p.layerChunk + "\x00" + p.name + "\x00" + p.version + "\x00" + p.arch
		if c := byKey[key]; c != nil {
			c.addEvidence(p.ev)
			for _, f := range p.files {
				c.owned[f] = true
			}
			if c.pkg.license == "" {
				c.pkg.license = p.license
			}
			continue
		}
		c := &comp{pkg: p, owned: map[string]bool{}}
		c.Name, c.Version, c.PURL, c.Type = p.name, p.version, p.purl, p.typ
		c.Methods = []string{model.MethodPackageDB}
		c.Confidence = model.ConfHigh
		c.Evidence = []model.Evidence{p.ev}
		for _, f := range p.files {
			c.owned[f] = true
		}
		// A package name that one fingerprint alone claims names that
		// component; an ambiguous one ("libc": uClibc or musl) waits for a
		// binary detection to say which.
		if fps := cat.byPkg[p.name]; len(fps) == 1 && p.native() {
			c.fp = fps[0]
		}
		byKey[key] = c
		pkgComps = append(pkgComps, c)
	}
	all = append(all, pkgComps...)

	// Group detections by fingerprint and version.
	type gkey struct{ id, version string }
	groups := map[gkey]*comp{}
	var order []gkey
	for _, d := range dets {
		k := gkey{d.fp.ID, d.version}
		g := groups[k]
		if g == nil {
			g = &comp{fp: d.fp, binVer: d.version, owned: map[string]bool{}}
			g.Name, g.Version, g.Type = d.fp.Name, d.version, d.fp.Type
			groups[k] = g
			order = append(order, k)
		}
		g.addMethod(d.method)
		g.raise(d.conf)
		g.addEvidence(d.ev)
		g.owned[d.owner] = true
	}
	// A presence-only detection joins a versioned one of the same fingerprint.
	for _, k := range order {
		if k.version != "" {
			continue
		}
		for _, k2 := range order {
			if k2.id == k.id && k2.version != "" {
				g, g2 := groups[k], groups[k2]
				for _, m := range g.Methods {
					g2.addMethod(m)
				}
				g2.addEvidence(g.Evidence...)
				delete(groups, k)
				break
			}
		}
	}
	for _, k := range order {
		g := groups[k]
		if g == nil {
			continue
		}
		if p := pickPackage(pkgComps, g); p != nil {
			p.fp = g.fp
			p.binVer = g.binVer
			for _, m := range g.Methods {
				p.addMethod(m)
			}
			p.addEvidence(g.Evidence...)
			continue
		}
		g.PURL = purlFor(g.fp, g.Version)
		all = append(all, g)
	}

	out := make([]model.Component, 0, len(all))
	refs := map[string]int{}
	for _, c := range all {
		if c.fp != nil {
			c.RuleID = c.fp.ID
			v := c.binVer
			if v == "" && c.pkg != nil {
				v = upstream(c.pkg.version)
			} else if v == "" {
				v = c.Version
			}
			if cpe := c.fp.CPE23(v); cpe != "" && !slices.Contains(c.CPEs, cpe) {
				c.CPEs = append(c.CPEs, cpe)
			}
			if c.Type == "" {
				c.Type = c.fp.Type
			}
		}
		if c.pkg != nil && c.pkg.license != "" {
			c.Licenses = []string{c.pkg.license}
		}
		ref := c.PURL
		if ref == "" {
			ref = c.Name + "@" + c.Version
		}
		if n := refs[ref]; n > 0 {
			refs[ref]++
			ref = fmt.Sprintf("%s#%d", ref, n+1)
		} else {
			refs[ref] = 1
		}
		c.Ref = ref
		slices.SortFunc(c.Evidence, func(a, b model.Evidence) int {
			if a.Path != b.Path {
				return strings.Compare(a.Path, b.Path)
			}
			return int(a.Offset - b.Offset)
		})
		slices.Sort(c.Methods)
		out = append(out, c.Component)
	}
	slices.SortFunc(out, func(a, b model.Component) int { return strings.Compare(a.Ref, b.Ref) })
	return out
}

// pickPackage finds the package entry a detection group belongs to: one
// owning a file of the group and named by the fingerprint, else one the
// fingerprint names at the same upstream version, preferring the
// fingerprint's order of names.
func pickPackage(pkgComps []*comp, g *comp) *comp {
	var best *comp
	bestRank := 1 << 30
	for _, p := range pkgComps {
		i := slices.Index(g.fp.Packages, p.pkg.name)
		if i < 0 || !p.pkg.native() {
			continue
		}
		if g.binVer != "" && !sameVersion(p.pkg.version, g.binVer) {
			continue
		}
		r := i
		for f := range g.owned {
			if p.owned[f] {
				r = -1
			}
		}
		if p.binVer != "" { // already took a detection
			r += 1000
		}
		if r < bestRank {
			best, bestRank = p, r
		}
	}
	return best
}
