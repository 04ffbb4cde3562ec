package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/scoring"
	"github.com/fwstar/fwstar/analyzer/services"
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

	if inv := r.Inventory; inv != nil {
		sum := inv.Summary
		fmt.Fprintf(b, "\n%s (%d entries, %d with content)\n", p.paint(ansiBold, t("Inventory", "インベントリ")), sum.Entries, sum.Regular)
		fmt.Fprintf(b, "  %s: %s\n", t("types", "種類"), countList(sum.ByType))
		if len(sum.ByArch) > 0 {
			fmt.Fprintf(b, "  %s: %s\n", t("ELF by architecture", "ELFのアーキテクチャ"), countList(sum.ByArch))
		}
		if len(sum.PESubsystems) > 0 {
			fmt.Fprintf(b, "  %s: %s\n", t("PE subsystems", "PEサブシステム"), countList(sum.PESubsystems))
		}
		for _, k := range sum.Kernels {
			fmt.Fprintf(b, "  %s %s  %s\n", t("kernel", "カーネル"), k.Version, p.paint(ansiGrey, k.Path))
		}
		for i, h := range sum.LeastHardened {
			if i == 0 {
				fmt.Fprintf(b, "  %s:\n", t("least hardened binaries", "保護機能の少ないバイナリ"))
			}
			if i == 10 {
				fmt.Fprintf(b, "    ... %d more\n", len(sum.LeastHardened)-10)
				break
			}
			fmt.Fprintf(b, "    %-40s %s %s\n", lastPart(h.Path), t("lacks", "欠如:"), strings.Join(h.Missing, ", "))
		}
	}

	if s := r.AttackSurface; s != nil && len(s.Services)+len(s.Logins) > 0 {
		fmt.Fprintf(b, "\n%s\n", p.paint(ansiBold, t("Attack surface", "攻撃対象領域")))
		for _, svc := range s.Services {
			if svc.State == "not-started" {
				continue
			}
			auth, tls := serviceAuth(svc, o.Lang)
			where := ""
			if len(svc.Starts) > 0 {
				at := svc.Starts[0].At
				where = fmt.Sprintf("%s:%d", lastPart(at.Path), at.Line)
			}
			fmt.Fprintf(b, "  %-12s %-12s %-22s %s%s  %s\n", svc.Name, svc.State, strings.Join(svc.Ports, " "), auth, tls, p.paint(ansiGrey, where))
		}
		for _, l := range s.Logins {
			pw := t("password", "パスワードあり")
			if !l.Password {
				pw = p.paint(ansiRed, t("NO password", "パスワードなし"))
			}
			fmt.Fprintf(b, "  %-12s %-12s %-22s %s  %s\n", l.Kind, l.State, l.TTY, pw, p.paint(ansiGrey, fmt.Sprintf("%s:%d", lastPart(l.At.Path), l.At.Line)))
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

// countList renders a map of counts as "a 3, b 1", largest first.
func countList(m map[string]int) string {
	type kv struct {
		k string
		v int
	}
	var es []kv
	for k, v := range m {
		es = append(es, kv{k, v})
	}
	sort.Slice(es, func(i, j int) bool {
		if es[i].v != es[j].v {
			return es[i].v > es[j].v
		}
		return es[i].k < es[j].k
	})
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = fmt.Sprintf("%s %d", e.k, e.v)
	}
	return strings.Join(parts, ", ")
}

// lastPart is the in-image part of a layer path: after its last chunk marker.
func lastPart(layerPath string) string {
	if i := strings.LastIndex(layerPath, ":"); i >= 0 && strings.Contains(layerPath[:i], "@0x") {
		return layerPath[i+1:]
	}
	return layerPath
}

// serviceAuth describes how a listener authenticates and protects traffic;
// a daemon with no port is no listener and gets neither.
func serviceAuth(svc *services.Service, lang string) (auth, enc string) {
	if len(svc.Ports) == 0 {
		return "-", ""
	}
	auth = model.Text{EN: "no authentication", JA: "認証なし"}.In(lang)
	if svc.Auth != nil && svc.Auth.Required {
		auth = model.Text{EN: "authentication: ", JA: "認証: "}.In(lang) + strings.Join(svc.Auth.Methods, ",")
	}
	if svc.TLS != nil && svc.TLS.Enabled {
		enc = ", TLS"
		if svc.Kind == "ssh" {
			enc = model.Text{EN: ", encrypted (SSH)", JA: "、暗号化(SSH)"}.In(lang)
		}
	}
	return auth, enc
}
