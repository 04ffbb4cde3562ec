package sbom

import (
	"encoding/json"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// parsePython reads the Name and Version headers of a wheel's
// *.dist-info/METADATA or an egg's PKG-INFO (core metadata, RFC 822 style).
func parsePython(t *model.Tree, f *model.File) []*pkgEntry {
	b, err := t.ReadFile(f, 1<<20)
	if err != nil {
		return nil
	}
	var name, ver, lic string
	for l := range strings.SplitSeq(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			break // the headers end at the first blank line; the description follows
		}
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Name":
			name = v
		case "Version":
			ver = v
		case "License":
			lic = v
		}
	}
	if name == "" || ver == "" {
		return nil
	}
	// PEP 503 normalisation, as the pypi purl type asks.
	norm := strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(name))
	return []*pkgEntry{{
		eco: "pypi", name: name, version: ver, license: lic, typ: "library",
		purl:       newPURL("pypi", "", norm, ver),
		layerChunk: f.Chunk.Layer,
		ev:         model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256},
	}}
}

// parseNpm reads name and version of a package.json under node_modules.
func parseNpm(t *model.Tree, f *model.File) []*pkgEntry {
	b, err := t.ReadFile(f, 4<<20)
	if err != nil {
		return nil
	}
	var pj struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		License any    `json:"license"`
	}
	if json.Unmarshal(b, &pj) != nil || pj.Name == "" || pj.Version == "" {
		return nil
	}
	ns, name := "", pj.Name
	if strings.HasPrefix(name, "@") {
		ns, name, _ = strings.Cut(name, "/")
	}
	lic, _ := pj.License.(string)
	return []*pkgEntry{{
		eco: "npm", name: pj.Name, version: pj.Version, license: lic, typ: "library",
		purl:       newPURL("npm", ns, name, pj.Version),
		layerChunk: f.Chunk.Layer,
		ev:         model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256},
	}}
}
