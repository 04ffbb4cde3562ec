package scoring

import (
	"sort"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/rules/criteria"
)

// Provision is the ETSI EN 303 645 view of the findings: one provision, the
// ★1 criteria mapped onto it and the verdicts they got. The mapping is the
// catalog's, unconfirmed by IPA (see rules/criteria), and says so.
type Provision struct {
	ID        string   `json:"id"` // "5.1-1"
	Criteria  []string `json:"criteria"`
	Verdict   string   `json:"verdict"` // the worst of its criteria's verdicts
	Findings  []string `json:"findings,omitempty"`
	Confirmed bool     `json:"mapping_confirmed"`
}

// verdictRank orders verdicts from worst to best for the provision view.
var verdictRank = map[string]int{DoesNotConform: 0, Undetermined: 1, DocumentReview: 2, NotApplicable: 3, Conforms: 4}

// EN303645 groups the ★1 scorecard by EN 303 645 provision.
func EN303645(star *Result, scheme *criteria.Scheme) []Provision {
	confirmed := map[string]bool{}
	for _, c := range scheme.Criteria {
		confirmed[c.ID] = c.MappingConfirmed
	}
	byID := map[string]*Provision{}
	for _, c := range star.Criteria {
		for _, p := range c.EN303645 {
			pv := byID[p]
			if pv == nil {
				pv = &Provision{ID: p, Verdict: Conforms, Confirmed: true}
				byID[p] = pv
			}
			pv.Criteria = append(pv.Criteria, c.ID)
			pv.Findings = append(pv.Findings, c.Findings...)
			pv.Confirmed = pv.Confirmed && confirmed[c.ID]
			if verdictRank[c.Verdict] < verdictRank[pv.Verdict] {
				pv.Verdict = c.Verdict
			}
		}
	}
	out := make([]Provision, 0, len(byID))
	for _, p := range byID {
		sort.Strings(p.Findings)
		p.Findings = compact(p.Findings)
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return provisionLess(out[i].ID, out[j].ID) })
	return out
}

func compact(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// provisionLess orders "5.3-10" after "5.3-9".
func provisionLess(a, b string) bool {
	pa, pb := strings.FieldsFunc(a, sep), strings.FieldsFunc(b, sep)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}

func sep(r rune) bool { return r == '.' || r == '-' }
