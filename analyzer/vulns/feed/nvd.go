package feed

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// nvdCVE is the "cve" object of the NVD CVE API 2.0 (also one file of
// fkie-cad/nvd-json-data-feeds), with the fields fwstar uses.
type nvdCVE struct {
	ID               string `json:"id"`
	SourceIdentifier string `json:"sourceIdentifier"`
	Published        string `json:"published"`
	LastModified     string `json:"lastModified"`
	VulnStatus       string `json:"vulnStatus"`
	Descriptions     []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	Metrics map[string][]struct {
		Source   string `json:"source"`
		Type     string `json:"type"`
		CVSSData struct {
			Version      string  `json:"version"`
			VectorString string  `json:"vectorString"`
			BaseScore    float64 `json:"baseScore"`
		} `json:"cvssData"`
	} `json:"metrics"`
	Configurations []struct {
		Operator string `json:"operator"`
		Negate   bool   `json:"negate"`
		Nodes    []struct {
			Operator string `json:"operator"`
			Negate   bool   `json:"negate"`
			CPEMatch []struct {
				Vulnerable            bool   `json:"vulnerable"`
				Criteria              string `json:"criteria"`
				VersionStartIncluding string `json:"versionStartIncluding"`
				VersionStartExcluding string `json:"versionStartExcluding"`
				VersionEndIncluding   string `json:"versionEndIncluding"`
				VersionEndExcluding   string `json:"versionEndExcluding"`
			} `json:"cpeMatch"`
		} `json:"nodes"`
	} `json:"configurations"`
	CISAExploitAdd        string `json:"cisaExploitAdd"`
	CISAActionDue         string `json:"cisaActionDue"`
	CISARequiredAction    string `json:"cisaRequiredAction"`
	CISAVulnerabilityName string `json:"cisaVulnerabilityName"`
}

// metricKeys are the NVD metric arrays, newest CVSS version first. CVSS v2
// is read only when a record has nothing newer.
var metricKeys = []string{"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"}

// ParseNVD reads one NVD CVE API 2.0 "cve" object.
func ParseNVD(b []byte) (*Record, error) {
	var c nvdCVE
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("nvd: %w", err)
	}
	return c.record()
}

func (c *nvdCVE) record() (*Record, error) {
	if !strings.HasPrefix(c.ID, "CVE-") {
		return nil, fmt.Errorf("nvd: record id %q is not a CVE ID", c.ID)
	}
	r := &Record{ID: c.ID, Source: SourceNVD, Status: c.VulnStatus, Published: c.Published, LastModified: c.LastModified}
	for _, d := range c.Descriptions {
		if d.Lang == "en" {
			r.Description = d.Value
			break
		}
	}
	for _, k := range metricKeys {
		if k == "cvssMetricV2" && len(r.CVSS) > 0 {
			break
		}
		ms := c.Metrics[k]
		// The Primary score (the NVD's own, or the CNA's when NVD gave
		// none) is the one to report; secondary scores only if no primary.
		picked := false
		for _, m := range ms {
			if m.Type == "Primary" {
				r.CVSS = append(r.CVSS, model.CVSS{Version: m.CVSSData.Version, Score: m.CVSSData.BaseScore, Vector: m.CVSSData.VectorString})
				picked = true
				break
			}
		}
		if !picked && len(ms) > 0 {
			m := ms[0]
			r.CVSS = append(r.CVSS, model.CVSS{Version: m.CVSSData.Version, Score: m.CVSSData.BaseScore, Vector: m.CVSSData.VectorString})
		}
	}
	if c.CISAExploitAdd != "" {
		r.KEV = &KEV{Added: c.CISAExploitAdd, Due: c.CISAActionDue, Action: c.CISARequiredAction, Name: c.CISAVulnerabilityName}
	}
	for _, cf := range c.Configurations {
		conf := Config{Operator: cf.Operator, Negate: cf.Negate}
		for _, n := range cf.Nodes {
			node := Node{Operator: n.Operator, Negate: n.Negate}
			for _, m := range n.CPEMatch {
				node.Matches = append(node.Matches, Match{Vulnerable: m.Vulnerable, Criteria: m.Criteria, Range: Range{
					StartIncluding: m.VersionStartIncluding, StartExcluding: m.VersionStartExcluding,
					EndIncluding: m.VersionEndIncluding, EndExcluding: m.VersionEndExcluding}})
			}
			conf.Nodes = append(conf.Nodes, node)
		}
		r.Configurations = append(r.Configurations, conf)
	}
	return r, nil
}
