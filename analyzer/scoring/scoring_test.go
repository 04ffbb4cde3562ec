package scoring

import (
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/rules/criteria"
)

func verdicts(t *testing.T, fs []model.Finding, facts []model.Fact, ctx Context) map[string]string {
	t.Helper()
	ss, err := criteria.Load()
	if err != nil {
		t.Fatal(err)
	}
	res := Score(ss, fs, facts, ctx)
	out := map[string]string{}
	for _, r := range res {
		for _, c := range r.Criteria {
			out[c.ID] = c.Verdict
		}
	}
	return out
}

func TestVerdicts(t *testing.T) {
	empty := model.Finding{ID: "a", RuleID: "empty-password", Severity: model.Critical, Criteria: []string{"S1.1-02"}, Title: model.Text{EN: "root has an empty password"}}
	weak := model.Finding{ID: "b", RuleID: "x", Severity: model.Low, Criteria: []string{"S1.1-13"}}
	update := model.Fact{RuleID: "opkg-signature-check", Criteria: []string{"S1.1-08"}, Title: model.Text{EN: "opkg checks signatures"}}
	v := verdicts(t, []model.Finding{empty, weak}, []model.Fact{update}, Context{OS: true})
	want := map[string]string{
		"S1.1-02": DoesNotConform, // a critical finding
		"S1.1-13": Undetermined,   // a low finding does not break a high fail_at
		"S1.1-08": Conforms,       // positive evidence, nothing breaks it
		"S1.1-05": DocumentReview, // organisational
		"PSTI-1":  DoesNotConform, // mapped onto S1.1-02
		"PSTI-2":  DocumentReview,
	}
	for id, w := range want {
		if v[id] != w {
			t.Errorf("%s: got %s, want %s", id, v[id], w)
		}
	}
	// No OS, no findings: nothing is invented.
	v = verdicts(t, nil, nil, Context{})
	for id, got := range v {
		if got == DoesNotConform || got == Conforms {
			t.Errorf("%s: %s with no evidence at all", id, got)
		}
	}
}

func TestEN303645View(t *testing.T) {
	ss, _ := criteria.Load()
	empty := model.Finding{ID: "a", Severity: model.Critical, Criteria: []string{"S1.1-02"}}
	res := Score(ss, []model.Finding{empty}, nil, Context{OS: true})
	view := EN303645(res[0], ss[0])
	got := map[string]string{}
	var order []string
	for _, p := range view {
		got[p.ID] = p.Verdict
		order = append(order, p.ID)
		if p.Confirmed {
			t.Errorf("%s claims a confirmed mapping", p.ID)
		}
	}
	if got["5.1-1"] != DoesNotConform || got["5.2-1"] != DocumentReview {
		t.Errorf("5.1-1 %s, 5.2-1 %s", got["5.1-1"], got["5.2-1"])
	}
	for i := 1; i < len(order); i++ {
		if !provisionLess(order[i-1], order[i]) {
			t.Errorf("order: %s before %s", order[i-1], order[i])
		}
	}
}
