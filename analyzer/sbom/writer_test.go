package sbom

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"
)

// schema compiles an official JSON schema from testdata/schema (CycloneDX
// 1.6 with the SPDX licence list and JSF schemas it references, from
// cyclonedx-go v0.12.0's module; SPDX 2.3 from syft v1.57.1's module).
func schema(t *testing.T, main string, ids map[string]string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for file, id := range ids {
		f, err := os.Open("testdata/schema/" + file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(ids[main])
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, b []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("schema: %v", err)
	}
}

func testDocument(t *testing.T) Document {
	comps := build(t, dirTree(t, "testdata/rootfs-dpkg"))
	z := find(comps, "zlib", "1.2.13")
	return Document{
		ImageName: "rootfs-dpkg", ImageSHA256: "af340d9ad1063e7e008edfec063910b0bdbb5f0755ea2e5c7d04933e2fe6a0c1",
		ToolName: "fwstar", ToolVersion: "test", Components: comps,
		// The shape the vulns pass fills; CVE-2022-37434 is zlib's
		// inflateGetHeader overflow, fixed in 1.2.13 (so not affected).
		Vulnerabilities: []Vulnerability{{
			ID: "CVE-2022-37434", Source: "NVD", SourceURL: "https://nvd.nist.gov/vuln/detail/CVE-2022-37434",
			Ratings: []Rating{{Method: "CVSSv31", Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Source: "NVD"}},
			Affects: []string{z.Ref}, Fixed: "1.2.13", State: "not_affected", Justification: "code_not_present",
			Detail: "1.2.13 carries the fix", Description: "zlib through 1.2.12 has a heap-based buffer over-read or buffer overflow in inflate",
		}},
	}
}

func TestCycloneDXSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCycloneDX(&buf, testDocument(t)); err != nil {
		t.Fatal(err)
	}
	s := schema(t, "bom-1.6.schema.json", map[string]string{
		"bom-1.6.schema.json":  "http://cyclonedx.org/schema/bom-1.6.schema.json",
		"spdx.schema.json":     "http://cyclonedx.org/schema/spdx.schema.json",
		"jsf-0.82.schema.json": "http://cyclonedx.org/schema/jsf-0.82.schema.json",
	})
	validate(t, s, buf.Bytes())
	var bom struct {
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			PURL     string `json:"purl"`
			Evidence struct {
				Occurrences []struct {
					Location string `json:"location"`
					Offset   int    `json:"offset"`
				} `json:"occurrences"`
			} `json:"evidence"`
		} `json:"components"`
		Vulnerabilities []struct {
			Analysis struct{ State, Justification string } `json:"analysis"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != "1.6" || len(bom.Components) != 2 || len(bom.Vulnerabilities) != 1 ||
		bom.Vulnerabilities[0].Analysis.State != "not_affected" {
		t.Errorf("bom: %+v", bom)
	}
	// Same input, same bytes: no time, a serial number derived from the image.
	var again bytes.Buffer
	if err := WriteCycloneDX(&again, testDocument(t)); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("CycloneDX output is not reproducible")
	}
}

func TestSPDXSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSPDX(&buf, testDocument(t)); err != nil {
		t.Fatal(err)
	}
	s := schema(t, "spdx-schema-2.3.json", map[string]string{"spdx-schema-2.3.json": "http://spdx.org/rdf/terms/2.3"})
	validate(t, s, buf.Bytes())
	doc, err := spdxjson.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Packages) != 3 || len(doc.Relationships) != 3 { // image + 2 components; DESCRIBES + 2 CONTAINS
		t.Errorf("%d packages, %d relationships", len(doc.Packages), len(doc.Relationships))
	}
	refs := 0
	for _, p := range doc.Packages {
		refs += len(p.PackageExternalReferences)
	}
	if refs != 4 { // zlib1g: purl + CPE; debian: purl + CPE
		t.Errorf("%d external refs", refs)
	}
}
