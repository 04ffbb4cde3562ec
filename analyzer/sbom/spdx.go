package sbom

import (
	"fmt"
	"io"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/model"
)

// WriteSPDX writes doc as SPDX 2.3 JSON: the document describes the image
// package, which contains one package per component with its purl and CPE
// as external references and its evidence paths in the package comment.
// SPDX 2.3 has no place for VEX, so vulnerabilities go to CycloneDX only.
func WriteSPDX(w io.Writer, doc Document) error {
	name, ver := doc.tool()
	created := doc.Created
	if created.IsZero() {
		// SPDX requires a creation time; the Unix epoch keeps the
		// document reproducible when none was given.
		created = time.Unix(0, 0)
	}
	image := &spdx.Package{
		PackageName:             doc.ImageName,
		PackageSPDXIdentifier:   "Image",
		PackageDownloadLocation: "NOASSERTION",
		PackageLicenseConcluded: "NOASSERTION",
		PackageLicenseDeclared:  "NOASSERTION",
		PackageCopyrightText:    "NOASSERTION",
		PrimaryPackagePurpose:   "FIRMWARE",
	}
	if doc.ImageSHA256 != "" {
		image.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: doc.ImageSHA256}}
	}
	out := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      doc.ImageName,
		DocumentNamespace: "https://fwstar.invalid/spdx/" + doc.ImageName + "-" + doc.serial(),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: name + "-" + ver}},
			Created:  created.UTC().Format(time.RFC3339),
		},
		Packages: []*spdx.Package{image},
		Relationships: []*spdx.Relationship{{
			RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", "Image"), Relationship: "DESCRIBES",
		}},
	}
	used := map[string]bool{"Image": true}
	for i, c := range doc.Components {
		id := spdxID(fmt.Sprintf("Package-%d-%s", i+1, c.Name), used)
		p := &spdx.Package{
			PackageName:             c.Name,
			PackageSPDXIdentifier:   common.ElementID(id),
			PackageVersion:          c.Version,
			PackageDownloadLocation: "NOASSERTION",
			PackageLicenseConcluded: "NOASSERTION",
			PackageLicenseDeclared:  "NOASSERTION",
			PackageCopyrightText:    "NOASSERTION",
			PrimaryPackagePurpose:   spdxPurpose(c.Type),
			PackageSourceInfo:       "found by " + strings.Join(c.Methods, ", ") + " (" + c.Confidence + " confidence)",
			PackageComment:          evidenceComment(c.Evidence),
		}
		if len(c.Licenses) > 0 {
			// Free text from a package database, not a checked SPDX
			// expression.
			p.PackageLicenseComments = "declared: " + strings.Join(c.Licenses, "; ")
		}
		if c.Supplier != "" {
			p.PackageSupplier = &common.Supplier{Supplier: c.Supplier, SupplierType: "Organization"}
		}
		if c.PURL != "" {
			p.PackageExternalReferences = append(p.PackageExternalReferences, &spdx.PackageExternalReference{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: c.PURL})
		}
		for _, cpe := range c.CPEs {
			p.PackageExternalReferences = append(p.PackageExternalReferences, &spdx.PackageExternalReference{Category: "SECURITY", RefType: "cpe23Type", Locator: cpe})
		}
		out.Packages = append(out.Packages, p)
		out.Relationships = append(out.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", "Image"), RefB: common.MakeDocElementID("", id), Relationship: "CONTAINS",
		})
	}
	return spdxjson.Write(out, w, spdxjson.Indent("  "))
}

var notIDChar = lazyre.New(`[^A-Za-z0-9.-]+`)

// spdxID makes a unique SPDX identifier (letters, digits, "." and "-").
func spdxID(s string, used map[string]bool) string {
	id := notIDChar().ReplaceAllString(s, "-")
	for n := 2; used[id]; n++ {
		id = fmt.Sprintf("%s-%d", notIDChar().ReplaceAllString(s, "-"), n)
	}
	used[id] = true
	return id
}

func spdxPurpose(t string) string {
	switch t {
	case "application":
		return "APPLICATION"
	case "operating-system":
		return "OPERATING_SYSTEM"
	case "firmware":
		return "FIRMWARE"
	}
	return "LIBRARY"
}

// evidenceComment lists where a component was found, a line per file, with
// the offset of its version string or the line of its database record.
func evidenceComment(evs []model.Evidence) string {
	var b strings.Builder
	for i, e := range evs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Path)
		switch {
		case e.Line > 0:
			fmt.Fprintf(&b, " line %d", e.Line)
		case e.Offset >= 0:
			fmt.Fprintf(&b, " @0x%X", e.Offset)
		}
		if e.SHA256 != "" {
			b.WriteString(" sha256:" + e.SHA256)
		}
	}
	return b.String()
}
