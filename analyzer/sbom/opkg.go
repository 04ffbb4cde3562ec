package sbom

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// parseOpkg reads an opkg status file or an info/<pkg>.control file. Both
// describe installed packages; status has the Status line, .control the
// License and Source fields. The purl type is "openwrt", as OpenWrt's feeds
// are where opkg packages come from.
func parseOpkg(t *model.Tree, f *model.File) []*pkgEntry {
	b, err := t.ReadFile(f, maxDB)
	if err != nil {
		return nil
	}
	control := strings.HasSuffix(f.Name(), ".control")
	var out []*pkgEntry
	for _, p := range paragraphs(b) {
		if !control && !dpkgInstalled(p.fields["Status"]) {
			continue
		}
		e := opkgEntry(p.fields, f.Chunk.Layer, evidenceAt(f, p.offset, p.line))
		if e == nil {
			continue
		}
		list := "info/" + e.name + ".list"
		if control {
			list = e.name + ".list"
		}
		e.files = ownedFiles(t, f, list)
		out = append(out, e)
	}
	return out
}

func opkgEntry(fields map[string]string, layerChunk string, ev model.Evidence) *pkgEntry {
	name, ver := fields["Package"], fields["Version"]
	if name == "" || ver == "" {
		return nil
	}
	arch := fields["Architecture"]
	return &pkgEntry{
		eco: "opkg", name: name, version: ver, arch: arch, license: fields["License"], typ: "library",
		purl:       newPURL("openwrt", "", name, ver, "arch", arch),
		layerChunk: layerChunk, ev: ev,
	}
}

// maxControl caps the control member of an .ipk and the control file in it.
const maxControl = 1 << 20

// parseIPK reads the control file of an .ipk package file. An .ipk is an ar
// archive (older opkg-build) or a gzipped tar (OpenWrt's ipkg-build) holding
// debian-binary, control.tar.gz and data.tar.gz. A package file lying in the
// image is shipped, not installed, but its software is in the image all the
// same.
func parseIPK(t *model.Tree, f *model.File) []*pkgEntry {
	r, err := t.Open(f)
	if err != nil {
		return nil
	}
	defer r.Close()
	ctl := ipkControl(r)
	if ctl == nil {
		return nil
	}
	ps := paragraphs(ctl)
	if len(ps) == 0 {
		return nil
	}
	e := opkgEntry(ps[0].fields, f.Chunk.Layer, model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256})
	if e == nil {
		return nil
	}
	return []*pkgEntry{e}
}

// ipkControl returns the control file of an .ipk, or nil.
func ipkControl(r io.Reader) []byte {
	br := bufio.NewReader(r)
	head, _ := br.Peek(8)
	var ctlTarGz io.Reader
	switch {
	case bytes.Equal(head, []byte("!<arch>\n")):
		ctlTarGz = arMember(br, "control.tar.gz")
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		ctlTarGz = tarGzMember(br, "control.tar.gz", maxControl)
	}
	if ctlTarGz == nil {
		return nil
	}
	ctl := tarGzMember(ctlTarGz, "control", maxControl)
	if ctl == nil {
		return nil
	}
	b, _ := io.ReadAll(ctl)
	return b
}

// arMember returns the content of the named member of an ar archive. The
// archive is read forward only; sizes are bounded by maxControl for the
// member read and skipped otherwise.
func arMember(r io.Reader, want string) io.Reader {
	if _, err := io.ReadFull(r, make([]byte, 8)); err != nil {
		return nil
	}
	hdr := make([]byte, 60)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return nil
		}
		name := strings.TrimRight(strings.TrimSpace(string(hdr[0:16])), "/")
		size, err := strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
		if err != nil || size < 0 || string(hdr[58:60]) != "`\n" {
			return nil
		}
		if name == want {
			if size > maxControl {
				return nil
			}
			b := make([]byte, size)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil
			}
			return bytes.NewReader(b)
		}
		if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
			return nil
		}
	}
}

// tarGzMember returns the content of the member of a gzipped tar whose
// cleaned name is want ("./control" counts as "control").
func tarGzMember(r io.Reader, want string, max int64) io.Reader {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil
		}
		if path.Clean(h.Name) != want || h.Size > max {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, max))
		if err != nil {
			return nil
		}
		return bytes.NewReader(b)
	}
}
