package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/package-url/packageurl-go"
)

// osv is an OSV record (OpenSSF Open Source Vulnerability format).
type osv struct {
	ID        string   `json:"id"`
	Modified  string   `json:"modified"`
	Published string   `json:"published"`
	Withdrawn string   `json:"withdrawn"`
	Aliases   []string `json:"aliases"`
	Summary   string   `json:"summary"`
	Details   string   `json:"details"`
	Severity  []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
			PURL      string `json:"purl"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

// ecosystemPURL maps OSV ecosystems (before any ":release" suffix) onto
// package URL types and namespaces (the table in the OSV schema's
// ecosystems list and the purl spec's types).
var ecosystemPURL = map[string][2]string{
	"Debian": {"deb", "debian"}, "Ubuntu": {"deb", "ubuntu"}, "Alpine": {"apk", "alpine"},
	"OpenWrt": {"opkg", "openwrt"}, "PyPI": {"pypi", ""}, "npm": {"npm", ""}, "Go": {"golang", ""},
	"crates.io": {"cargo", ""}, "Maven": {"maven", ""}, "RubyGems": {"gem", ""}, "NuGet": {"nuget", ""},
	"Packagist": {"composer", ""}, "Hex": {"hex", ""}, "Pub": {"pub", ""}, "OSS-Fuzz": {"generic", ""},
}

// ParseOSV reads one OSV record. Ranges of type SEMVER and ECOSYSTEM
// become version ranges of the package (introduced..fixed exclusive,
// introduced..last_affected inclusive); GIT ranges are skipped (commits are
// not release numbers); listed versions become exact matches. Go module
// versions are stored as Go writes them (see goVersion).
func ParseOSV(b []byte) (*Record, error) {
	var o osv
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("osv: %w", err)
	}
	if o.ID == "" || o.Modified == "" {
		return nil, fmt.Errorf("osv: record without id or modified time")
	}
	r := &Record{ID: o.ID, Source: SourceOSV, Aliases: o.Aliases, Published: o.Published, LastModified: o.Modified, Description: o.Summary}
	if r.Description == "" {
		r.Description = o.Details
	}
	for _, s := range o.Severity {
		if strings.HasPrefix(s.Type, "CVSS_V3") {
			if score, err := CVSS3Score(s.Score); err == nil {
				r.CVSS = append(r.CVSS, model.CVSS{Version: strings.TrimPrefix(strings.SplitN(s.Score, "/", 2)[0], "CVSS:"), Score: score, Vector: s.Score})
			}
		}
	}
	if o.Withdrawn != "" {
		r.Status = "withdrawn"
		return r, nil
	}
	node := Node{}
	for _, a := range o.Affected {
		pkg := osvPackage(a.Package.Ecosystem, a.Package.Name, a.Package.PURL)
		if pkg == "" {
			continue
		}
		ver := func(v string) string { return v }
		if strings.HasPrefix(pkg, "pkg:golang/") {
			ver = func(v string) string { return goVersion(pkg, v) }
		}
		for _, rg := range a.Ranges {
			if rg.Type != "SEMVER" && rg.Type != "ECOSYSTEM" {
				continue
			}
			var cur *Range
			for _, ev := range rg.Events {
				switch {
				case ev["introduced"] != "":
					cur = &Range{}
					if ev["introduced"] != "0" {
						cur.StartIncluding = ver(ev["introduced"])
					}
				case ev["fixed"] != "" && cur != nil:
					cur.EndExcluding = ver(ev["fixed"])
					node.Matches = append(node.Matches, Match{Vulnerable: true, Package: pkg, Range: *cur})
					cur = nil
				case ev["last_affected"] != "" && cur != nil:
					cur.EndIncluding = ver(ev["last_affected"])
					node.Matches = append(node.Matches, Match{Vulnerable: true, Package: pkg, Range: *cur})
					cur = nil
				}
			}
			if cur != nil { // introduced and never fixed
				node.Matches = append(node.Matches, Match{Vulnerable: true, Package: pkg, Range: *cur})
			}
		}
		for _, v := range a.Versions {
			v = ver(v)
			node.Matches = append(node.Matches, Match{Vulnerable: true, Package: pkg, Range: Range{StartIncluding: v, EndIncluding: v}})
		}
	}
	if len(node.Matches) > 0 {
		r.Configurations = []Config{{Nodes: []Node{node}}}
	}
	return r, nil
}

// goVersion writes an OSV Go version the way Go module versions (and so
// the SBOM's pkg:golang components, from debug/buildinfo) write it: OSV's
// Go ecosystem uses SEMVER without the leading "v" ("0.7.0"), a module
// version always has it ("v0.6.0"), and "v0.6.0" does not compare with
// "0.7.0" as a number. The Go vulnerability database's pseudo-modules
// stdlib and toolchain carry Go release numbers ("1.20.1"), which the SBOM
// writes without "v" too.
func goVersion(pkg, v string) string {
	if pkg == "pkg:golang/stdlib" || pkg == "pkg:golang/toolchain" || v == "" || strings.HasPrefix(v, "v") {
		return v
	}
	return "v" + v
}

// osvPackage is the versionless purl key of an OSV package.
func osvPackage(eco, name, purl string) string {
	if purl != "" {
		if p, err := packageurl.FromString(purl); err == nil {
			return PackageKey(p.Type, p.Namespace, p.Name)
		}
	}
	base, _, _ := strings.Cut(eco, ":")
	t, ok := ecosystemPURL[base]
	if !ok || name == "" {
		return ""
	}
	ns, n := t[1], name
	if t[0] == "maven" || t[0] == "golang" || t[0] == "npm" && strings.HasPrefix(name, "@") {
		if i := strings.LastIndexAny(name, ":/"); i > 0 {
			ns, n = name[:i], name[i+1:]
		}
	}
	return PackageKey(t[0], ns, n)
}

// PackageKey is the lower-cased "pkg:type/namespace/name" key that package
// matches are indexed by.
func PackageKey(typ, ns, name string) string {
	k := "pkg:" + typ + "/"
	if ns != "" {
		k += ns + "/"
	}
	return strings.ToLower(k + name)
}
