// Package scoring turns findings and facts into per-criterion verdicts for
// JC-STAR ★1 and the schemes mapped onto it. It reads only findings and facts:
// no pass, format or file is known here.
package scoring

import (
	"fmt"
	"sort"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/rules/criteria"
)

// Verdicts.
const (
	Conforms       = "conforms"
	DoesNotConform = "does-not-conform"
	Undetermined   = "cannot-determine"
	NotApplicable  = "not-applicable"
	DocumentReview = "document-review" // never a pass: the image cannot show it
)

// Context is what the scan knows about the image as a whole.
type Context struct {
	// OS says whether a Linux-like root filesystem was found. Without one,
	// criteria about logins and services cannot be told from the image.
	OS bool
}

// Criterion is the verdict on one criterion.
type Criterion struct {
	ID          string       `json:"id"`
	Title       model.Text   `json:"title"`
	Requirement model.Text   `json:"requirement,omitzero"`
	Assessment  string       `json:"assessment,omitempty"`
	EN303645    []string     `json:"en303645,omitempty"`
	Static      string       `json:"static"`
	Verdict     string       `json:"verdict"`
	Reason      model.Text   `json:"reason"`
	Findings    []string     `json:"findings,omitempty"` // finding IDs, most severe first
	Facts       []model.Fact `json:"facts,omitempty"`
	Documents   []model.Text `json:"documents,omitempty"`
}

// Result is a scheme's scorecard.
type Result struct {
	Scheme     string       `json:"scheme"`
	Title      model.Text   `json:"title"`
	Criteria   []Criterion  `json:"criteria"`
	Blocking   []string     `json:"blocking"` // criteria that do not conform
	DeviceSide int          `json:"device_side"`
	Failed     int          `json:"device_side_failed"`
	Documents  []model.Text `json:"documents"` // what a lab will still ask for
	Summary    model.Text   `json:"summary"`
}

// Score scores every scheme. The first is JC-STAR ★1; the others take their
// verdicts from the ★1 criteria they map onto.
func Score(schemes []*criteria.Scheme, findings []model.Finding, facts []model.Fact, ctx Context) []*Result {
	byCrit := map[string][]*model.Finding{}
	for i := range findings {
		for _, c := range findings[i].Criteria {
			byCrit[c] = append(byCrit[c], &findings[i])
		}
	}
	factsBy := map[string][]model.Fact{}
	for _, f := range facts {
		for _, c := range f.Criteria {
			factsBy[c] = append(factsBy[c], f)
		}
	}
	var out []*Result
	for _, s := range schemes {
		r := &Result{Scheme: s.Scheme, Title: s.Title}
		docSeen := map[string]bool{}
		for i := range s.Criteria {
			c := &s.Criteria[i]
			ids := c.From
			if len(ids) == 0 {
				ids = []string{c.ID}
			}
			var fs []*model.Finding
			var fa []model.Fact
			for _, id := range ids {
				fs = append(fs, byCrit[id]...)
				fa = append(fa, factsBy[id]...)
			}
			cr := judge(c, fs, fa, ctx)
			r.Criteria = append(r.Criteria, cr)
			if c.Static != criteria.StaticNone {
				r.DeviceSide++
			}
			if cr.Verdict == DoesNotConform {
				r.Blocking = append(r.Blocking, c.ID)
				r.Failed++
			}
			if cr.Verdict != Conforms && cr.Verdict != NotApplicable {
				for _, d := range c.Documents {
					if !docSeen[d.EN] {
						docSeen[d.EN] = true
						r.Documents = append(r.Documents, d)
					}
				}
			}
		}
		r.Summary = summary(r)
		out = append(out, r)
	}
	return out
}

func judge(c *criteria.Criterion, fs []*model.Finding, facts []model.Fact, ctx Context) Criterion {
	cr := Criterion{ID: c.ID, Title: c.Title, Requirement: c.Requirement, Assessment: c.Assessment,
		EN303645: c.EN303645, Static: c.Static, Documents: c.Documents, Facts: facts}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Severity != fs[j].Severity {
			return fs[i].Severity > fs[j].Severity
		}
		return fs[i].ID < fs[j].ID
	})
	var breaking []*model.Finding
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.ID] {
			continue
		}
		seen[f.ID] = true
		cr.Findings = append(cr.Findings, f.ID)
		if c.Static != criteria.StaticNone && f.Severity >= c.FailSeverity() {
			breaking = append(breaking, f)
		}
	}
	switch {
	case c.Static == criteria.StaticNone:
		cr.Verdict = DocumentReview
		cr.Reason = model.Text{
			EN: "Assessed by document review only; the firmware image cannot show it.",
			JA: "ドキュメント評価のみの項目であり、ファームウェアイメージからは判断できない。"}
	case len(breaking) > 0:
		cr.Verdict = DoesNotConform
		cr.Reason = model.Text{
			EN: fmt.Sprintf("%d finding(s) at or above %s break it; the most severe: %s", len(breaking), c.FailSeverity(), breaking[0].Title.EN),
			JA: fmt.Sprintf("%s以上の指摘が%d件あり不適合。最も重大な指摘:%s", severityJA(c.FailSeverity()), len(breaking), breaking[0].Title.In("ja"))}
	case len(facts) > 0:
		cr.Verdict = Conforms
		cr.Reason = model.Text{
			EN: fmt.Sprintf("Positive evidence found (%s) and no finding breaks it; confirm with the documents listed.", facts[0].Title.EN),
			JA: fmt.Sprintf("適合を示す証拠(%s)があり、不適合となる指摘はない。記載の文書で確認すること。", facts[0].Title.In("ja"))}
	case !ctx.OS:
		cr.Verdict = Undetermined
		cr.Reason = model.Text{
			EN: "No Linux-like root filesystem was found in the image (bootloader, UEFI or RTOS firmware), so its logins and services cannot be read. " + c.Undetermined.EN,
			JA: "イメージ内にLinux等のルートファイルシステムが見つからない(ブートローダ、UEFI、RTOSのファームウェア)ため、ログインやサービスを読み取れない。" + c.Undetermined.JA}
	default:
		cr.Verdict = Undetermined
		cr.Reason = c.Undetermined
	}
	return cr
}

func severityJA(s model.Severity) string {
	return map[model.Severity]string{model.Info: "情報", model.Low: "低", model.Medium: "中", model.High: "高", model.Critical: "緊急"}[s]
}

func summary(r *Result) model.Text {
	if r.Failed > 0 {
		return model.Text{
			EN: fmt.Sprintf("Blocked: %d of %d device-side criteria do not conform (%v). Fix these before applying for the label.", r.Failed, r.DeviceSide, r.Blocking),
			JA: fmt.Sprintf("ラベル取得を妨げる項目あり:端末側%d項目中%d項目が不適合(%v)。申請前に修正が必要。", r.DeviceSide, r.Failed, r.Blocking)}
	}
	return model.Text{
		EN: fmt.Sprintf("No device-side criterion is broken by the image (%d scored). This is not a pass: %d document(s) are still needed.", r.DeviceSide, len(r.Documents)),
		JA: fmt.Sprintf("イメージから不適合となる端末側項目はない(%d項目を評価)。適合の証明ではなく、%d件の文書が引き続き必要。", r.DeviceSide, len(r.Documents))}
}
