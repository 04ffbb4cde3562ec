package vulns

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fwstar/fwstar/analyzer/vulns/cpe"
	"github.com/fwstar/fwstar/analyzer/vulns/feed"
	"github.com/fwstar/fwstar/analyzer/vulns/version"
)

// target is one way to name a component for matching: a CPE (vendor and
// product set; part and the rest may be ANY) with the version to compare,
// or a package URL key with the package's own version.
type target struct {
	name    cpe.Name
	version string // upstream version for CPE targets, package version for purl targets
	pkg     string // feed.PackageKey, for purl targets
}

func (t target) key() string {
	if t.pkg != "" {
		return t.pkg
	}
	return t.name.VendorProduct()
}

// hit is one vulnerable match of a record to a component, with its reason.
type hit struct {
	reason string
	fixed  string
}

// evalRecord tells whether rec applies to a component named by own, in an
// image whose components are named by all (for platform conditions).
func evalRecord(rec *feed.Record, own, all []target) (bool, []hit) {
	for _, c := range rec.Configurations {
		if ok, hits := evalConfig(c, own, all); ok && len(hits) > 0 {
			return true, hits
		}
	}
	return false, nil
}

func evalConfig(c feed.Config, own, all []target) (bool, []hit) {
	var hits []hit
	and := strings.EqualFold(c.Operator, "AND")
	res := and
	for _, n := range c.Nodes {
		ok, h := evalNode(n, own, all)
		if ok {
			hits = append(hits, h...)
		}
		if and {
			res = res && ok
		} else {
			res = res || ok
		}
	}
	if c.Negate {
		return !res, nil
	}
	return res, hits
}

func evalNode(n feed.Node, own, all []target) (bool, []hit) {
	var hits []hit
	and := strings.EqualFold(n.Operator, "AND")
	res := and
	for _, m := range n.Matches {
		var ok bool
		if m.Vulnerable {
			for _, t := range own {
				if r, fixed, yes := matchOne(m, t); yes {
					ok = true
					hits = append(hits, hit{reason: r, fixed: fixed})
					break
				}
			}
		} else {
			// A platform condition: something in the image must be it.
			for _, t := range all {
				if _, _, yes := matchOne(m, t); yes {
					ok = true
					break
				}
			}
		}
		if and {
			res = res && ok
		} else {
			res = res || ok
		}
	}
	if n.Negate {
		return !res, nil
	}
	return res, hits
}

// matchOne compares one match with one target. It returns why it matched
// and the first fixed version when the range says so.
func matchOne(m feed.Match, t target) (reason, fixed string, ok bool) {
	if t.version == "" {
		return "", "", false // a version we do not know matches nothing
	}
	var label, exact string
	if m.Package != "" {
		if t.pkg == "" || !strings.EqualFold(m.Package, t.pkg) {
			return "", "", false
		}
		label = m.Package
	} else {
		if t.pkg != "" {
			return "", "", false
		}
		c, err := cpe.Parse(m.Criteria)
		if err != nil {
			return "", "", false
		}
		if c.Attr[cpe.Vendor] != t.name.Attr[cpe.Vendor] || c.Attr[cpe.Product] != t.name.Attr[cpe.Product] {
			return "", "", false
		}
		for _, a := range []int{cpe.Part, cpe.Edition, cpe.Language, cpe.SWEdition, cpe.TargetSW, cpe.TargetHW, cpe.Other} {
			if !cpe.AttrMatch(c.Attr[a], c.Wild[a], t.name.Attr[a]) {
				return "", "", false
			}
		}
		label = "cpe:2.3:" + c.Attr[cpe.Part] + ":" + c.Attr[cpe.Vendor] + ":" + c.Attr[cpe.Product]
		switch v := c.Attr[cpe.Version]; {
		case v == cpe.NA:
			return "", "", false
		case c.Wild[cpe.Version]:
			if !cpe.AttrMatch(v, true, t.version) {
				return "", "", false
			}
			return fmt.Sprintf("%s: %s matches %s (version pattern)", label, t.version, v), "", true
		case v != cpe.Any:
			exact = v
			if u := c.Attr[cpe.Update]; u != cpe.Any && u != cpe.NA {
				exact += u // "7.4" update "p1" is 7.4p1
			}
		}
	}
	if exact != "" {
		if version.Compare(t.version, exact) != 0 || inAny(t.version, m.Except) {
			return "", "", false
		}
		return fmt.Sprintf("%s: %s = %s (exact version)", label, t.version, exact), "", true
	}
	if !inRange(t.version, m.Range) || inAny(t.version, m.Except) {
		return "", "", false
	}
	return label + ": " + describe(t.version, m.Range), m.EndExcluding, true
}

func inAny(v string, rs []feed.Range) bool {
	return slices.ContainsFunc(rs, func(r feed.Range) bool { return inRange(v, r) })
}

func inRange(v string, r feed.Range) bool {
	if s := r.StartIncluding; s != "" && version.Compare(v, s) < 0 {
		return false
	}
	if s := r.StartExcluding; s != "" && version.Compare(v, s) <= 0 {
		return false
	}
	if e := r.EndIncluding; e != "" {
		if line, ok := strings.CutSuffix(e, ".*"); ok {
			if !inLine(v, line) && version.Compare(v, line) > 0 {
				return false
			}
		} else if version.Compare(v, e) > 0 {
			return false
		}
	}
	if e := r.EndExcluding; e != "" && version.Compare(v, e) >= 0 {
		return false
	}
	return true
}

// inLine tells whether v is in release line l: 4.19.188 is in 4.19, and
// OpenSSL's letter releases are in their line: 1.0.2u is in 1.0.2 (but
// 1.0.20 is not).
func inLine(v, l string) bool {
	rest, ok := strings.CutPrefix(v, l)
	if !ok {
		return false
	}
	if rest == "" || rest[0] == '.' || rest[0] == '-' {
		return true
	}
	lastDigit := l != "" && l[len(l)-1] >= '0' && l[len(l)-1] <= '9'
	return lastDigit && rest[0] >= 'a' && rest[0] <= 'z'
}

// describe writes the range test that held: "2.6.19 <= 3.18.98 < 4.4.267
// (versionStartIncluding, versionEndExcluding)".
func describe(v string, r feed.Range) string {
	if !r.Bounded() {
		return v + " (every version: no range given)"
	}
	var b strings.Builder
	var names []string
	switch {
	case r.StartIncluding != "":
		b.WriteString(r.StartIncluding + " <= ")
		names = append(names, "versionStartIncluding")
	case r.StartExcluding != "":
		b.WriteString(r.StartExcluding + " < ")
		names = append(names, "versionStartExcluding")
	}
	b.WriteString(v)
	switch {
	case r.EndIncluding != "":
		b.WriteString(" <= " + r.EndIncluding)
		names = append(names, "versionEndIncluding")
	case r.EndExcluding != "":
		b.WriteString(" < " + r.EndExcluding)
		names = append(names, "versionEndExcluding")
	}
	return b.String() + " (" + strings.Join(names, ", ") + ")"
}
