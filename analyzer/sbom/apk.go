package sbom

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// parseApk reads Alpine's (and OpenWrt 24's) lib/apk/db/installed: stanzas of
// one-letter fields, P name, V version, A arch, L license, F folder and R file
// (R names a file in the last F).
func parseApk(t *model.Tree, f *model.File) []*pkgEntry {
	b, err := t.ReadFile(f, maxDB)
	if err != nil {
		return nil
	}
	ns := distroOf(t, f).id
	if ns == "" {
		ns = "alpine"
	}
	var out []*pkgEntry
	var cur *pkgEntry
	dir := ""
	var off int64
	line := 0
	flush := func() {
		if cur != nil && cur.name != "" && cur.version != "" {
			cur.purl = newPURL("apk", ns, cur.name, cur.version, "arch", cur.arch)
			out = append(out, cur)
		}
		cur, dir = nil, ""
	}
	for l := range strings.SplitSeq(string(b), "\n") {
		lineOff := off
		off += int64(len(l)) + 1
		line++
		if len(l) < 2 || l[1] != ':' {
			if strings.TrimSpace(l) == "" {
				flush()
			}
			continue
		}
		if cur == nil {
			cur = &pkgEntry{eco: "apk", typ: "library", layerChunk: f.Chunk.Layer, ev: evidenceAt(f, lineOff, line)}
		}
		v := l[2:]
		switch l[0] {
		case 'P':
			cur.name = v
		case 'V':
			cur.version = v
		case 'A':
			cur.arch = v
		case 'L':
			cur.license = v
		case 'F':
			dir = v
		case 'R':
			cur.files = append(cur.files, f.Chunk.Layer+"/"+strings.TrimPrefix(dir+"/"+v, "/"))
		}
	}
	flush()
	return out
}
