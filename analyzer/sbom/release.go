package sbom

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/rules/fingerprints"
)

// distro is what a root filesystem's release files say about it.
type distro struct {
	id, versionID, name string
	files               []*model.File // the release files read
}

// distroOf reads the release files of the chunk holding f.
func distroOf(t *model.Tree, f *model.File) distro { return readDistro(t, f.Chunk) }

func readDistro(t *model.Tree, c *engine.Chunk) distro {
	var d distro
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		if kv, f := keyValues(t, c, p); kv != nil {
			d.id, d.versionID, d.name = strings.ToLower(kv["ID"]), kv["VERSION_ID"], kv["NAME"]
			d.files = append(d.files, f)
			break
		}
	}
	if d.id == "" { // the Debian installer has only lsb-release
		if kv, f := keyValues(t, c, "/etc/lsb-release"); kv != nil && kv["DISTRIB_ID"] != "" {
			d.id, d.name = strings.ToLower(kv["DISTRIB_ID"]), kv["DISTRIB_ID"]
			d.versionID = leadingVersion(kv["DISTRIB_RELEASE"])
			d.files = append(d.files, f)
		}
	}
	return d
}

// keyValues reads a shell-style KEY=value file (os-release, lsb-release,
// openwrt_release), unquoting values.
func keyValues(t *model.Tree, c *engine.Chunk, p string) (map[string]string, *model.File) {
	f := t.LookupIn(c, p)
	if f == nil || !f.Regular() {
		return nil, nil
	}
	b, err := t.ReadFile(f, 64<<10)
	if err != nil {
		return nil, nil
	}
	kv := map[string]string{}
	for l := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		kv[k] = strings.Trim(strings.TrimSpace(v), `"'`)
	}
	return kv, f
}

func firstLine(t *model.Tree, c *engine.Chunk, p string) (string, *model.File) {
	f := t.LookupIn(c, p)
	if f == nil || !f.Regular() {
		return "", nil
	}
	b, err := t.ReadFile(f, 4<<10)
	if err != nil {
		return "", nil
	}
	l, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(l), f
}

var versionRE = lazyre.New(`\d+(\.\d+)+[\w.+~-]*`)

// leadingVersion is the first dotted number in s: "12 (bookworm)" gives "".
func leadingVersion(s string) string {
	if v := versionRE().FindString(s); v != "" {
		return v
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i > 0 {
		return s[:i]
	}
	if isDigits(s) {
		return s
	}
	return ""
}

// osInfo names the CPE and purl of a distribution by its os-release ID.
var osInfo = map[string]struct{ name, cpe string }{
	"openwrt":   {"openwrt", "openwrt:openwrt"},
	"debian":    {"debian", "debian:debian_linux"},
	"ubuntu":    {"ubuntu", "canonical:ubuntu_linux"},
	"raspbian":  {"raspbian", "raspberrypi:raspbian"},
	"alpine":    {"alpine", "alpinelinux:alpine_linux"},
	"buildroot": {"buildroot", "buildroot:buildroot"},
	"poky":      {"poky", "yoctoproject:poky"},
	"dd-wrt":    {"dd-wrt", "dd-wrt:dd-wrt"},
}

// identify finds the distribution of every root filesystem: OpenWrt
// (etc/openwrt_release, etc/openwrt_version), os-release (Buildroot, Yocto
// and the rest), Yocto's etc/build, Debian's etc/debian_version and the
// installer's lsb-release. Each becomes an operating-system component.
func identify(t *model.Tree) []*comp {
	var out []*comp
	for _, rfs := range t.RootFSes() {
		c := rfs.Chunk
		d := readDistro(t, c)
		files := d.files
		id, ver, name := d.id, d.versionID, d.name
		if kv, f := keyValues(t, c, "/etc/openwrt_release"); kv != nil {
			id, name = "openwrt", "OpenWrt"
			files = append(files, f)
			// 15.05 puts the code name in DISTRIB_RELEASE; the number is in
			// the description and in openwrt_version.
			if v := leadingVersion(kv["DISTRIB_RELEASE"]); v != "" && ver == "" {
				ver = v
			} else if v := versionRE().FindString(kv["DISTRIB_DESCRIPTION"]); v != "" && ver == "" {
				ver = v
			}
		}
		if v, f := firstLine(t, c, "/etc/openwrt_version"); f != nil && id == "openwrt" {
			if lv := leadingVersion(v); lv != "" {
				ver = lv
			}
			files = append(files, f)
		}
		if kv, f := keyValues(t, c, "/etc/build"); kv != nil && kv["DISTRO"] != "" && id == "" {
			// Yocto's buildinfo class: "DISTRO = poky", "DISTRO_VERSION = 4.0.4".
			id, ver, name = strings.TrimSpace(kv["DISTRO"]), strings.TrimSpace(kv["DISTRO_VERSION"]), kv["DISTRO"]
			files = append(files, f)
		}
		if v, f := firstLine(t, c, "/etc/debian_version"); f != nil && (id == "" || id == "debian") {
			id, name = "debian", "Debian"
			if lv := leadingVersion(v); lv != "" {
				ver = lv
			}
			files = append(files, f)
		}
		if id == "" {
			continue
		}
		oc := &comp{}
		info, known := osInfo[id]
		oc.Name = id
		if known {
			oc.Name = info.name
		}
		oc.Version, oc.Type = ver, "operating-system"
		oc.Supplier = name
		oc.PURL = newPURL("generic", "", oc.Name, ver)
		if known && ver != "" {
			part := "o"
			if id == "buildroot" || id == "poky" {
				part = "a" // NVD files these build systems as applications
			}
			oc.CPEs = []string{"cpe:2.3:" + part + ":" + info.cpe + ":" + fingerprints.CPEEscape(ver) + ":*:*:*:*:*:*:*"}
		}
		oc.Methods = []string{model.MethodRelease}
		oc.Confidence = model.ConfHigh
		for _, f := range files {
			oc.addEvidence(model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256})
		}
		out = append(out, oc)
	}
	return out
}
