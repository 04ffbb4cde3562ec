package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/scoring"
)

type textRenderer struct{}

func (textRenderer) Format() string { return "text" }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiGrey   = "\x1b[90m"
)

type painter bool

func (p painter) paint(code, s string) string {
	if !p {
		return s
	}
	return code + s + ansiReset
}

var verdictText = map[string]model.Text{
	scoring.Conforms:       {EN: "conforms", JA: "適合"},
	scoring.DoesNotConform: {EN: "DOES NOT CONFORM", JA: "不適合"},
	scoring.Undetermined:   {EN: "cannot be determined", JA: "判定不能"},
	scoring.NotApplicable:  {EN: "not applicable", JA: "対象外"},
	scoring.DocumentReview: {EN: "document review", JA: "文書審査"},
}

func verdictColor(v string) string {
	switch v {
	case scoring.Conforms:
		return ansiGreen
	case scoring.DoesNotConform:
		return ansiRed
	case scoring.Undetermined:
		return ansiYellow
	}
	return ansiGrey
}

var severityJA = map[model.Severity]string{model.Info: "情報", model.Low: "低", model.Medium: "中", model.High: "高", model.Critical: "緊急"}

// SeverityLabel names a severity in the report language.
func SeverityLabel(s model.Severity, lang string) string {
	if lang == "ja" {
		return severityJA[s]
	}
	return s.String()
}

func (textRenderer) Render(w io.Writer, r *Report, o Options) error {
	p := painter(o.Color)
	ja := o.Lang == "ja"
	t := func(en, jaS string) string {
		if ja {
			return jaS
		}
		return en
	}
	b := &strings.Builder{}
	fmt.Fprintf(b, "%s %s\n", p.paint(ansiBold, "fwstar "+r.Tool.Version), r.Image.Name)
	fmt.Fprintf(b, "  sha256 %s, %d bytes\n", r.Image.SHA256, r.Image.Size)
	s := r.Stats
	fmt.Fprintf(b, "  %s: %d chunks (%d unknown), %d files, %d symlinks, %d root filesystems\n",
		t("unpacked", "展開"), s.Chunks, s.Unknown, s.Files, s.Symlinks, s.RootFS)

	if star := r.Star1(); star != nil {
		fmt.Fprintf(b, "\n%s\n", p.paint(ansiBold, star.Title.In(o.Lang)))
		head := p.paint(ansiGreen, star.Summary.In(o.Lang))
		if star.Failed > 0 {
			head = p.paint(ansiRed+ansiBold, star.Summary.In(o.Lang))
		}
		fmt.Fprintf(b, "  %s\n", head)
		for _, c := range star.Criteria {
			v := verdictText[c.Verdict].In(o.Lang)
			fmt.Fprintf(b, "  %-8s %-22s %s\n", c.ID, p.paint(verdictColor(c.Verdict), v), c.Title.In(o.Lang))
			if c.Verdict == scoring.DoesNotConform || c.Verdict == scoring.Conforms {
				fmt.Fprintf(b, "           %s\n", p.paint(ansiGrey, c.Reason.In(o.Lang)))
			}
		}
		for _, other := range r.Scores[1:] {
			var parts []string
			for _, c := range other.Criteria {
				parts = append(parts, c.ID+" "+verdictText[c.Verdict].In(o.Lang))
			}
			fmt.Fprintf(b, "  %s: %s\n", other.Title.In(o.Lang), strings.Join(parts, ", "))
		}
	}

	counts := r.Counts()
	fmt.Fprintf(b, "\n%s (%d: %d critical, %d high, %d medium, %d low, %d info",
		p.paint(ansiBold, t("Findings", "指摘事項")), len(r.Findings),
		counts[model.Critical], counts[model.High], counts[model.Medium], counts[model.Low], counts[model.Info])
	if len(r.Suppressed) > 0 {
		fmt.Fprintf(b, "; %d suppressed", len(r.Suppressed))
	}
	b.WriteString(")\n")
	for i, f := range r.Findings {
		if o.Top > 0 && i == o.Top {
			fmt.Fprintf(b, "  ... %d more (use --format json or html for all)\n", len(r.Findings)-o.Top)
			break
		}
		sev := fmt.Sprintf("%-8s", SeverityLabel(f.Severity, o.Lang))
		switch {
		case f.Severity >= model.High:
			sev = p.paint(ansiRed, sev)
		case f.Severity == model.Medium:
			sev = p.paint(ansiYellow, sev)
		}
		crit := ""
		if len(f.Criteria) > 0 {
			crit = " [" + strings.Join(f.Criteria, ",") + "]"
		}
		fmt.Fprintf(b, "  %s %s%s  %s\n", sev, f.Title.In(o.Lang), p.paint(ansiGrey, crit), p.paint(ansiGrey, f.RuleID))
		for j, e := range f.Evidence {
			if j == 3 {
				fmt.Fprintf(b, "           ... %d more locations\n", len(f.Evidence)-3)
				break
			}
			loc := e.Path
			if e.Line > 0 {
				loc += fmt.Sprintf(":%d", e.Line)
			} else if e.Offset > 0 {
				loc += fmt.Sprintf(" @0x%X", e.Offset)
			}
			fmt.Fprintf(b, "           %s\n", loc)
			if e.Excerpt != "" {
				fmt.Fprintf(b, "           %s\n", p.paint(ansiGrey, oneLine(e.Excerpt, 100)))
			}
		}
	}

	if len(r.Vulnerabilities) > 0 {
		fmt.Fprintf(b, "\n%s (%d)\n", p.paint(ansiBold, t("Known vulnerabilities", "既知の脆弱性")), len(r.Vulnerabilities))
		for i, v := range r.Vulnerabilities {
			if o.Top > 0 && i == o.Top {
				fmt.Fprintf(b, "  ... %d more\n", len(r.Vulnerabilities)-o.Top)
				break
			}
			kev := ""
			if v.KEV {
				kev = p.paint(ansiRed, " KEV")
			}
			fmt.Fprintf(b, "  %-8s %-16s %s%s\n", SeverityLabel(v.Severity, o.Lang), v.ID, v.Component, kev)
		}
	}

	fmt.Fprintf(b, "\n%s (%d)\n", p.paint(ansiBold, t("Components", "コンポーネント")), len(r.Components))
	for _, c := range r.Components {
		fmt.Fprintf(b, "  %-28s %-16s %s\n", c.Name, c.Version, p.paint(ansiGrey, strings.Join(c.Methods, ",")))
	}

	if star := r.Star1(); star != nil && len(star.Documents) > 0 {
		fmt.Fprintf(b, "\n%s\n", p.paint(ansiBold, t("Documents a lab will still ask for", "審査で別途求められる文書")))
		for _, d := range star.Documents {
			fmt.Fprintf(b, "  - %s\n", d.In(o.Lang))
		}
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(b, "\n%s (%d)\n", p.paint(ansiBold, t("Could not unpack or analyse", "展開・解析できなかったもの")), len(r.Problems))
		for _, pr := range r.Problems {
			fmt.Fprintf(b, "  %s: %s\n", pr.Layer, oneLine(pr.Detail, 160))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n]) + "…"
	}
	return s
}
