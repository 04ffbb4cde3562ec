package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns/cpe"
)

// VendorProduct maps a CVE 5 or OSV vendor and product name ("BusyBox",
// "BusyBox") onto NVD "vendor:product" keys; nil when unknown.
type VendorProduct func(vendor, product string) []string

// cve5 is a CVE JSON 5.x record (CVE Record Format), the fields fwstar uses.
type cve5 struct {
	DataType    string `json:"dataType"`
	CVEMetadata struct {
		CVEID         string `json:"cveId"`
		State         string `json:"state"`
		DatePublished string `json:"datePublished"`
		DateUpdated   string `json:"dateUpdated"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA cve5Container   `json:"cna"`
		ADP []cve5Container `json:"adp"`
	} `json:"containers"`
}

type cve5Container struct {
	Affected []struct {
		Vendor        string   `json:"vendor"`
		Product       string   `json:"product"`
		PackageName   string   `json:"packageName"`
		CPEs          []string `json:"cpes"`
		DefaultStatus string   `json:"defaultStatus"`
		Versions      []struct {
			Version         string `json:"version"`
			Status          string `json:"status"`
			VersionType     string `json:"versionType"`
			LessThan        string `json:"lessThan"`
			LessThanOrEqual string `json:"lessThanOrEqual"`
		} `json:"versions"`
	} `json:"affected"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Metrics []map[string]json.RawMessage `json:"metrics"`
}

// ParseCVE5 reads one CVE JSON 5 record. Products are keyed by the CPEs the
// record lists, else by vp, else by the lower-cased names with spaces as
// underscores (the NVD habit). Versions of type "git" (commit hashes) are
// skipped: they say nothing about release numbers.
func ParseCVE5(b []byte, vp VendorProduct) (*Record, error) {
	var c cve5
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("cve5: %w", err)
	}
	m := c.CVEMetadata
	if !strings.HasPrefix(m.CVEID, "CVE-") {
		return nil, fmt.Errorf("cve5: record id %q is not a CVE ID", m.CVEID)
	}
	r := &Record{ID: m.CVEID, Source: SourceCVE5, Status: m.State, Published: m.DatePublished, LastModified: m.DateUpdated}
	for _, d := range c.Containers.CNA.Descriptions {
		if strings.HasPrefix(d.Lang, "en") {
			r.Description = d.Value
			break
		}
	}
	r.CVSS = cve5Metrics(c.Containers.CNA.Metrics)
	for _, adp := range c.Containers.ADP {
		if len(r.CVSS) == 0 {
			r.CVSS = cve5Metrics(adp.Metrics)
		}
	}
	if strings.EqualFold(m.State, "REJECTED") {
		return r, nil
	}
	node := Node{}
	for _, a := range c.Containers.CNA.Affected {
		keys := cve5Keys(a.CPEs, a.Vendor, a.Product, vp)
		var affected, unaffected []Range
		var exact []string
		for _, v := range a.Versions {
			if v.VersionType == "git" || v.Version == "" {
				continue
			}
			rg := Range{StartIncluding: v.Version}
			if v.Version == "0" || v.Version == "*" {
				rg.StartIncluding = ""
			}
			switch {
			case v.LessThan != "" && v.LessThan != "*":
				rg.EndExcluding = v.LessThan
			case v.LessThanOrEqual != "" && v.LessThanOrEqual != "*":
				rg.EndIncluding = v.LessThanOrEqual
			case v.LessThan == "" && v.LessThanOrEqual == "":
				if v.Status == "affected" {
					exact = append(exact, v.Version)
					continue
				}
				rg.EndIncluding = v.Version
			}
			switch v.Status {
			case "affected":
				affected = append(affected, rg)
			case "unaffected":
				unaffected = append(unaffected, rg)
			}
		}
		if a.DefaultStatus == "affected" {
			// Everything not listed unaffected is affected (the Linux CNA
			// style); the affected entries only repeat that.
			affected, exact = []Range{{}}, nil
		}
		for _, k := range keys {
			for _, rg := range affected {
				node.Matches = append(node.Matches, Match{Vulnerable: true, Criteria: "cpe:2.3:*:" + k + ":*:*:*:*:*:*:*:*", Range: rg, Except: unaffected})
			}
			for _, v := range exact {
				node.Matches = append(node.Matches, Match{Vulnerable: true, Criteria: "cpe:2.3:*:" + k + ":" + cpe.Escape(v) + ":*:*:*:*:*:*:*", Except: unaffected})
			}
		}
	}
	if len(node.Matches) > 0 {
		r.Configurations = []Config{{Nodes: []Node{node}}}
	}
	return r, nil
}

func cve5Keys(cpes []string, vendor, product string, vp VendorProduct) []string {
	var keys []string
	for _, s := range cpes {
		if n, err := cpe.Parse(s); err == nil && n.Attr[cpe.Vendor] != cpe.Any {
			if k := n.VendorProduct(); !contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > 0 {
		return keys
	}
	if vp != nil {
		if ks := vp(vendor, product); len(ks) > 0 {
			return ks
		}
	}
	norm := func(s string) string {
		return cpe.Escape(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_"))
	}
	if vendor == "" || product == "" || vendor == "n/a" || product == "n/a" {
		return nil
	}
	return []string{norm(vendor) + ":" + norm(product)}
}

// cve5Metrics reads the newest CVSS score of a container's metrics.
func cve5Metrics(ms []map[string]json.RawMessage) []model.CVSS {
	var out []model.CVSS
	for _, key := range []string{"cvssV4_0", "cvssV3_1", "cvssV3_0"} {
		for _, m := range ms {
			raw, ok := m[key]
			if !ok {
				continue
			}
			var c struct {
				Version      string  `json:"version"`
				BaseScore    float64 `json:"baseScore"`
				VectorString string  `json:"vectorString"`
			}
			if json.Unmarshal(raw, &c) == nil && c.VectorString != "" {
				out = append(out, model.CVSS{Version: c.Version, Score: c.BaseScore, Vector: c.VectorString})
				return out
			}
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
