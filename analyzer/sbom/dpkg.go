package sbom

import (
	"path"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// parseDpkg reads a dpkg status file (var/lib/dpkg/status, or one of the
// per-package files of status.d/ that distroless images use). The Debian
// installer's initrd keeps its udebs there too, as "install ok unpacked".
func parseDpkg(t *model.Tree, f *model.File) []*pkgEntry {
	b, err := t.ReadFile(f, maxDB)
	if err != nil {
		return nil
	}
	d := distroOf(t, f)
	ns := d.id
	if ns == "" {
		ns = "debian"
	}
	distro := ""
	if d.id != "" && d.versionID != "" {
		distro = d.id + "-" + d.versionID
	}
	var out []*pkgEntry
	for _, p := range paragraphs(b) {
		name, ver := p.fields["Package"], p.fields["Version"]
		if name == "" || ver == "" || !dpkgInstalled(p.fields["Status"]) {
			continue
		}
		arch := p.fields["Architecture"]
		e := &pkgEntry{
			eco: "deb", name: name, version: ver, arch: arch, typ: "library",
			purl:       newPURL("deb", ns, name, ver, "arch", arch, "distro", distro),
			layerChunk: f.Chunk.Layer,
			ev:         evidenceAt(f, p.offset, p.line),
		}
		if path.Base(path.Dir(f.Name())) != "status.d" {
			e.files = ownedFiles(t, f, "info/"+name+".list")
			if e.files == nil && arch != "" {
				e.files = ownedFiles(t, f, "info/"+name+":"+arch+".list")
			}
		}
		out = append(out, e)
	}
	return out
}

// dpkgInstalled reads the third word of Status ("install ok installed"): the
// files are on disk when it is installed, unpacked or half-configured.
// Entries without Status (status.d/) are installed.
func dpkgInstalled(status string) bool {
	w := strings.Fields(status)
	if len(w) < 3 {
		return status == ""
	}
	switch w[2] {
	case "installed", "unpacked", "half-configured", "triggers-awaited", "triggers-pending":
		return true
	}
	return false
}
