package vulns

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/vulns/version"
	rules "github.com/fwstar/fwstar/rules/vulns"
)

// Rule IDs of the findings this pass emits.
const (
	RuleVulnerable = "vulnerable-component"
	RuleOutdated   = "outdated-component"
	RuleEOL        = "eol-component"
)

// criteria: known vulnerabilities and unsupported software bear on JC-STAR
// ★1 S1.1-13 (no exploitable known vulnerabilities).
var criteria = []string{"S1.1-13"}

// maxListed caps the CVE IDs named in a title.
const maxListed = 5

func label(c *model.Component) string {
	if c.Version == "" {
		return c.Name
	}
	return c.Name + " " + c.Version
}

// named labels c by its product's name and upstream version v when its
// package calls it otherwise (OpenWrt's package "libc" is uClibc, "kernel"
// is Linux), so a title says what the software is.
func named(c *model.Component, p *rules.Product, v string) string {
	if p == nil || strings.HasPrefix(strings.ToLower(p.Name), strings.ToLower(c.Name)) {
		return label(c)
	}
	return fmt.Sprintf("%s %s (%s)", p.Name, v, label(c))
}

// vulnFinding is the one finding of a component with affected
// vulnerabilities; not-affected ones (VEX) stay out of it.
func vulnFinding(c *model.Component, p *rules.Product, v string, vs []model.Vulnerability) (model.Finding, bool) {
	var aff []model.Vulnerability
	var notAff []string
	for _, v := range vs {
		if v.State == StateNotAffected {
			notAff = append(notAff, v.ID)
		} else {
			aff = append(aff, v)
		}
	}
	if len(aff) == 0 {
		return model.Finding{}, false
	}
	slices.SortFunc(aff, func(a, b model.Vulnerability) int { return strings.Compare(a.ID, b.ID) })
	var ids, kev []string
	sev := model.Info
	var maxScore float64
	fixed := ""
	allFixed := true
	var en, ja strings.Builder
	for _, v := range aff {
		ids = append(ids, v.ID)
		sev = max(sev, v.Severity)
		score := 0.0
		for _, s := range v.CVSS {
			score = max(score, s.Score)
		}
		maxScore = max(maxScore, score)
		kevEN, kevJA := "", ""
		if v.KEV {
			kev = append(kev, v.ID)
			kevEN, kevJA = ", in CISA KEV (exploited in the wild)", "、CISA KEV 掲載（悪用が確認済み）"
		}
		fmt.Fprintf(&en, "%s (CVSS %.1f%s): %s.", v.ID, score, kevEN, v.Reason)
		fmt.Fprintf(&ja, "%s（CVSS %.1f%s）: %s。", v.ID, score, kevJA, v.Reason)
		if v.Fixed != "" {
			fmt.Fprintf(&en, " Fixed in %s.", v.Fixed)
			fmt.Fprintf(&ja, "修正版: %s。", v.Fixed)
			if fixed == "" || version.Less(fixed, v.Fixed) {
				fixed = v.Fixed
			}
		} else {
			allFixed = false
		}
		en.WriteString("\n")
		ja.WriteString("\n")
	}
	listed := strings.Join(ids[:min(len(ids), maxListed)], ", ")
	if len(ids) > maxListed {
		listed += fmt.Sprintf(" and %d more", len(ids)-maxListed)
	}
	listedJA := strings.Join(ids[:min(len(ids), maxListed)], "、")
	if len(ids) > maxListed {
		listedJA += fmt.Sprintf(" ほか %d 件", len(ids)-maxListed)
	}
	f := model.Finding{
		RuleID: RuleVulnerable, Kind: model.KindVuln, Severity: sev, Confidence: confidence(c),
		Title: model.Text{
			EN: fmt.Sprintf("%s has %d known %s (%s)", named(c, p, v), len(ids), plural(len(ids), "vulnerability", "vulnerabilities"), listed),
			JA: fmt.Sprintf("%s に既知の脆弱性が %d 件あります（%s）", named(c, p, v), len(ids), listedJA),
		},
		Detail:   model.Text{EN: strings.TrimSpace(en.String()), JA: strings.TrimSpace(ja.String())},
		Evidence: c.Evidence, Criteria: criteria,
		Props: map[string]string{"component": c.Name, "version": c.Version, "ref": c.Ref, "cves": strings.Join(ids, ","),
			"max_cvss": fmt.Sprintf("%.1f", maxScore)},
	}
	if len(kev) > 0 {
		f.Props["kev"] = strings.Join(kev, ",")
	}
	if len(notAff) > 0 {
		f.Props["not_affected"] = strings.Join(notAff, ",")
	}
	if fixed != "" && allFixed {
		f.Remediation = model.Text{
			EN: fmt.Sprintf("Update %s to %s or later, which fixes all of these, and rebuild the image.", c.Name, fixed),
			JA: fmt.Sprintf("%s を、これらすべてが修正された %s 以降に更新し、イメージを再構築してください。", c.Name, fixed),
		}
	} else {
		f.Remediation = model.Text{
			EN: fmt.Sprintf("Update %s to a current release that fixes these vulnerabilities; where no fix exists, disable or remove the affected feature.", c.Name),
			JA: fmt.Sprintf("%s を、これらの脆弱性が修正された最新のリリースに更新してください。修正がない場合は、該当する機能を無効化または削除してください。", c.Name),
		}
	}
	f.Fingerprint(c.Name)
	return f, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// confidence of a finding about a component: the identification's.
func confidence(c *model.Component) string {
	if c.Confidence == "" {
		return model.ConfMedium
	}
	return c.Confidence
}

// product is the lifecycle data of the first of c's targets that has some,
// with the upstream version that target names.
func (d *data) product(ts []target) (*rules.Product, string) {
	for _, t := range ts {
		if t.pkg != "" || t.version == "" {
			continue
		}
		if p := d.products[t.name.VendorProduct()]; p != nil {
			return p, t.version
		}
	}
	return nil, ""
}

// lifecycle reports a component whose release line has reached its end of
// life, or, failing that, one older than the newest release known.
func (d *data) lifecycle(c *model.Component, p *rules.Product, v string, now time.Time) (model.Finding, bool) {
	if p == nil {
		return model.Finding{}, false
	}
	if f, ok := eolFinding(c, p, v, now); ok {
		return f, true
	}
	return outdatedFinding(c, p, v)
}

func eolFinding(c *model.Component, p *rules.Product, v string, now time.Time) (model.Finding, bool) {
	var en, ja, eol string
	props := map[string]string{"component": c.Name, "version": c.Version, "product": p.Name, "source": p.Source}
	line := lineOf(p, v)
	switch {
	case p.EOL != "" && past(p.EOL, now):
		eol = p.EOL
		en = fmt.Sprintf("%s has had no releases since %s: the project is no longer maintained.", p.Name, p.EOL)
		ja = fmt.Sprintf("%s は %s 以降リリースがなく、保守が終了しています。", p.Name, p.EOL)
	case line != nil && past(line.EOL, now):
		eol = line.EOL
		props["line"] = line.Line
		en = fmt.Sprintf("The %s %s line reached its end of life in %s; it gets no more security fixes.", p.Name, line.Line, line.EOL)
		ja = fmt.Sprintf("%s %s 系列は %s にサポートが終了しており、セキュリティ修正は提供されません。", p.Name, line.Line, line.EOL)
		if line.Last != "" && version.Less(v, line.Last) {
			props["last"] = line.Last
			en += fmt.Sprintf(" Even within the line, %s is older than its last release %s.", v, line.Last)
			ja += fmt.Sprintf("同じ系列の最終リリース %s よりも古いバージョンです。", line.Last)
		}
	case line == nil && p.Unlisted == "eol" && len(p.Lines) > 0 && olderThanLines(p, v):
		en = fmt.Sprintf("%s %s belongs to a short-lived %s release line, not a long-term one; it ended when the next release came out.", p.Name, v, p.Name)
		ja = fmt.Sprintf("%s %s は長期サポート対象ではない短期の系列に属し、次のリリースの公開とともにサポートが終了しています。", p.Name, v)
	default:
		return model.Finding{}, false
	}
	if eol != "" {
		props["eol"] = eol
	}
	f := model.Finding{
		RuleID: RuleEOL, Kind: model.KindComponent, Severity: model.Medium, Confidence: confidence(c),
		Title: model.Text{
			EN: fmt.Sprintf("%s is end-of-life", named(c, p, v)),
			JA: fmt.Sprintf("%s はサポートが終了しています", named(c, p, v)),
		},
		Detail: model.Text{EN: en + " Source: " + p.Source + ".", JA: ja + "出典: " + p.Source},
		Remediation: model.Text{
			EN: fmt.Sprintf("Move to a supported %s release line and rebuild the image.", p.Name),
			JA: fmt.Sprintf("サポート中の %s の系列に移行し、イメージを再構築してください。", p.Name),
		},
		Evidence: c.Evidence, Criteria: criteria, Props: props,
	}
	f.Fingerprint(c.Name)
	return f, true
}

func outdatedFinding(c *model.Component, p *rules.Product, v string) (model.Finding, bool) {
	if len(p.Releases) == 0 {
		return model.Finding{}, false
	}
	latest := p.Releases[len(p.Releases)-1]
	if !version.Less(v, latest.Version) {
		return model.Finding{}, false
	}
	en := fmt.Sprintf("%s %s is older than %s %s (released %s), the newest release known to fwstar's data.", p.Name, v, p.Name, latest.Version, latest.Date)
	ja := fmt.Sprintf("%s %s は、fwstar のデータが把握する最新リリース %s（%s 公開）より古いバージョンです。", p.Name, v, latest.Version, latest.Date)
	props := map[string]string{"component": c.Name, "version": c.Version, "product": p.Name, "latest": latest.Version,
		"latest_date": latest.Date, "source": p.Source}
	for _, r := range p.Releases {
		if version.Compare(r.Version, v) == 0 {
			en += fmt.Sprintf(" %s was released %s.", v, r.Date)
			ja += fmt.Sprintf("%s の公開日は %s です。", v, r.Date)
			props["released"] = r.Date
		}
	}
	f := model.Finding{
		RuleID: RuleOutdated, Kind: model.KindComponent, Severity: model.Low, Confidence: confidence(c),
		Title: model.Text{
			EN: fmt.Sprintf("%s is outdated (newest release: %s)", named(c, p, v), latest.Version),
			JA: fmt.Sprintf("%s は古いバージョンです（最新リリース: %s）", named(c, p, v), latest.Version),
		},
		Detail: model.Text{EN: en + " Source: " + p.Source + ".", JA: ja + "出典: " + p.Source},
		Remediation: model.Text{
			EN: fmt.Sprintf("Update %s to a current release and rebuild the image.", p.Name),
			JA: fmt.Sprintf("%s を最新のリリースに更新し、イメージを再構築してください。", p.Name),
		},
		Evidence: c.Evidence, Criteria: criteria, Props: props,
	}
	f.Fingerprint(c.Name)
	return f, true
}

// lineOf finds the longest listed line v belongs to.
func lineOf(p *rules.Product, v string) *rules.Line {
	var best *rules.Line
	for i := range p.Lines {
		l := &p.Lines[i]
		if inLine(v, l.Line) && (best == nil || len(l.Line) > len(best.Line)) {
			best = l
		}
	}
	return best
}

// olderThanLines tells whether v is older than the newest listed line, so
// an unlisted line of it has been superseded.
func olderThanLines(p *rules.Product, v string) bool {
	newest := p.Lines[0].Line
	for _, l := range p.Lines[1:] {
		if version.Less(newest, l.Line) {
			newest = l.Line
		}
	}
	return version.Less(v, newest)
}

// past tells whether a "2006-01-02" or "2006-01" date is before now. A
// month-only date counts from the month's end.
func past(date string, now time.Time) bool {
	t, err := rules.ParseDate(date)
	if err != nil {
		return false
	}
	if len(date) == len("2006-01") {
		t = t.AddDate(0, 1, 0)
	}
	return !now.Before(t)
}
