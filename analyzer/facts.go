package analyzer

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/services"
)

// surfaceFacts turns the attack-surface pass's positive evidence into facts
// for the criteria it bears on.
func surfaceFacts(s *services.Result) []model.Fact {
	var out []model.Fact
	add := func(id string, f *services.Fact, crit ...string) {
		out = append(out, model.Fact{RuleID: id, Title: model.Text{EN: f.Summary, JA: f.Summary}, Evidence: f.Evidence, Criteria: crit})
	}
	for _, f := range s.Updates {
		// Any update evidence, even a flawed one, shows that the software can
		// be updated (S1.1-06); only positive evidence speaks for integrity.
		if f.Signal == services.Positive {
			add("update-integrity-"+f.Topic, f, "S1.1-06", "S1.1-08")
		} else {
			add("update-mechanism-"+f.Topic, f, "S1.1-06")
		}
	}
	for _, f := range s.Comms {
		if f.Signal == services.Positive {
			add("comms-"+f.Topic, f, "S1.1-12")
		}
	}
	for _, f := range s.Resets {
		if f.Signal != services.Negative {
			add("reset-"+f.Topic, f, "S1.1-15")
		}
	}
	for _, f := range s.Limits {
		if f.Signal == services.Positive {
			add("brute-force-"+f.Topic, f, "S1.1-04")
		}
	}
	for _, id := range s.Identity {
		if id.Field == "model" && strings.TrimSpace(id.Value) != "" {
			out = append(out, model.Fact{RuleID: "model-identification",
				Title:    model.Text{EN: "Model designation found: " + id.Value, JA: "型番の記載を確認: " + id.Value},
				Evidence: []model.Evidence{id.Evidence}, Criteria: []string{"S1.1-10"}})
			break
		}
	}
	return out
}

// accountFacts records, for S1.1-02, that the account databases were read and
// none of them broke the criterion. Without account files there is no fact,
// so the criterion stays undetermined rather than passing on silence.
func accountFacts(t *model.Tree, findings []model.Finding) []model.Fact {
	for _, f := range findings {
		for _, c := range f.Criteria {
			if c == "S1.1-02" {
				return nil
			}
		}
	}
	var ev []model.Evidence
	for _, f := range t.Glob("etc/shadow", "etc/passwd") {
		if f.Regular() {
			ev = append(ev, model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256})
		}
	}
	if len(ev) == 0 {
		return nil
	}
	return []model.Fact{{RuleID: "accounts-checked",
		Title: model.Text{EN: "Account files read: no empty, default or cracked password on any account",
			JA: "アカウントファイルを確認:空・既定・解読可能なパスワードはない"},
		Evidence: ev, Criteria: []string{"S1.1-02"}}}
}

// updatePathFacts records, for S1.1-06, the update paths that findings name:
// an updater flawed in how it checks or fetches updates is still an updater.
func updatePathFacts(findings []model.Finding) []model.Fact {
	var out []model.Fact
	for _, f := range findings {
		if f.Kind != model.KindUpdate && f.RuleID != "plaintext-update-url" {
			continue
		}
		out = append(out, model.Fact{RuleID: "update-path-" + f.RuleID,
			Title:    model.Text{EN: "Update path found (with a flaw: " + f.Title.EN + ")", JA: "アップデート経路を確認(問題あり:" + f.Title.In("ja") + ")"},
			Evidence: f.Evidence, Criteria: []string{"S1.1-06"}})
	}
	return out
}

// sameProblem pairs rules of two passes that report one problem: the first
// is dropped where the second cites the same file and line. The secrets pass
// still reports what the services pass cannot parse (strings in binaries).
var sameProblem = map[string]string{
	"telnetd-shell-without-login": "telnet-no-login",
}

func dedupe(fs []model.Finding) []model.Finding {
	type at struct {
		rule, path string
		line       int
	}
	cited := map[at]bool{}
	for _, f := range fs {
		for _, e := range f.Evidence {
			cited[at{f.RuleID, e.Path, e.Line}] = true
		}
	}
	out := fs[:0]
	seen := map[string]bool{}
	for _, f := range fs {
		if f.ID == "" {
			f.Fingerprint("")
		}
		if seen[f.ID] {
			continue // the same rule on the same files from two passes
		}
		seen[f.ID] = true
		other, ok := sameProblem[f.RuleID]
		covered := ok && len(f.Evidence) > 0
		for _, e := range f.Evidence {
			covered = covered && cited[at{other, e.Path, e.Line}]
		}
		if !covered {
			out = append(out, f)
		}
	}
	return out
}
