package sbom

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/fwstar/fwstar/rules/fingerprints"
)

// upstream strips what a distribution adds to an upstream version: the
// Debian epoch ("1:"), the package revision ("-4+deb12u1", opkg "-1") and
// repacking suffixes ("+dfsg", ".dfsg", "+ds").
func upstream(v string) string {
	if i := strings.IndexByte(v, ':'); i > 0 && isDigits(v[:i]) {
		v = v[i+1:]
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	for _, suf := range []string{"+dfsg", ".dfsg", "+ds", ".ds", "~dfsg"} {
		if i := strings.Index(v, suf); i > 0 {
			v = v[:i]
		}
	}
	return v
}

// sameVersion tells whether a package version pv is the upstream version v
// a binary reports: "1:1.35.0-4+deb12u1" is 1.35.0, "3.18.98-1-8261..." is
// 3.18.98, "1:1.2.13.dfsg-1" is 1.2.13; 1.2.13 is not 1.2.
func sameVersion(pv, v string) bool {
	if i := strings.IndexByte(pv, ':'); i > 0 && isDigits(pv[:i]) {
		pv = pv[i+1:]
	}
	if pv == v {
		return true
	}
	if !strings.HasPrefix(pv, v) {
		return false
	}
	rest := pv[len(v):]
	switch rest[0] {
	case '-', '+', '~':
		return true
	}
	return strings.HasPrefix(rest, ".dfsg") || strings.HasPrefix(rest, ".ds")
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// purlFor is a fingerprint's purl at a version.
func purlFor(fp *fingerprints.Fingerprint, version string) string {
	p, err := packageurl.FromString(fp.PURL)
	if err != nil {
		return ""
	}
	p.Version = version
	return p.ToString()
}

// newPURL builds a purl, encoding what needs encoding.
func newPURL(typ, namespace, name, version string, qualifiers ...string) string {
	var q packageurl.Qualifiers
	for i := 0; i+1 < len(qualifiers); i += 2 {
		if qualifiers[i+1] != "" {
			q = append(q, packageurl.Qualifier{Key: qualifiers[i], Value: qualifiers[i+1]})
		}
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, q, "").ToString()
}
