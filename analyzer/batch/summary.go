package batch

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/report"
)

// summarize fills the results and shared keys of a batch's images.
func (d *DB) summarize(ctx context.Context, sum *Summary, ims []Image) error {
	want := map[string]bool{}
	for _, im := range ims {
		want[im.SHA256] = true
	}
	all, err := d.results(ctx, analyzer.RulesVersion)
	if err != nil {
		return err
	}
	sum.Results = nil
	for _, r := range all {
		if want[r.SHA256] {
			sum.Results = append(sum.Results, r)
		}
	}
	sum.Shared, err = d.shared(ctx, sum.Results, want)
	return err
}

// Status reads every result of the current rules version and the keys
// shared between those images: the state of a distributed batch.
func Status(ctx context.Context, d *DB) (*Summary, error) {
	all, err := d.results(ctx, analyzer.RulesVersion)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Results: all}
	sum.Shared, err = d.shared(ctx, all, nil)
	return sum, err
}

// shared groups the keys found in more than one of the wanted images (all
// images when want is nil).
func (d *DB) shared(ctx context.Context, rs []*Result, want map[string]bool) ([]Shared, error) {
	rows, err := d.sharedKeys(ctx, analyzer.RulesVersion)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range rs {
		names[r.SHA256] = r.Name
	}
	var kept []keyRow
	for _, k := range rows {
		if want == nil || want[k.SHA256] {
			kept = append(kept, k)
		}
	}
	var out []Shared
	for _, s := range group(kept, names) {
		if len(s.Images) > 1 {
			out = append(out, s)
		}
	}
	return out, nil
}

// WriteReports writes, from the store, each result's report files that dir
// does not hold yet (for a batch whose workers ran elsewhere).
func WriteReports(ctx context.Context, d *DB, dir string, rs []*Result, lang string) error {
	for _, r := range rs {
		if r.Status != Done {
			continue
		}
		base := ReportBase(r.SHA256, r.Name)
		if _, err := os.Stat(filepath.Join(dir, base+".html")); err == nil {
			r.File = base
			continue
		}
		js, err := d.report(ctx, r.SHA256, r.RulesVersion)
		if err != nil {
			return err
		}
		var rep report.Report
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			return fmt.Errorf("%s: stored report: %w", r.Name, err)
		}
		if err := writeReports(dir, base, &rep, lang); err != nil {
			return err
		}
		r.File = base
	}
	return nil
}

// WriteSummary writes summary.html and summary.csv into dir.
func WriteSummary(dir string, s *Summary, lang string) error {
	var h bytes.Buffer
	if err := summaryHTML(&h, s, lang); err != nil {
		return err
	}
	if err := writeAtomic(filepath.Join(dir, "summary.html"), h.Bytes()); err != nil {
		return err
	}
	var c bytes.Buffer
	if err := WriteCSV(&c, s.Results); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "summary.csv"), c.Bytes())
}

// Star1 is a result's ★1 status in a word.
func (r *Result) Star1() string {
	switch {
	case r.Status != Done:
		return r.Status
	case len(r.Blocking) == 0:
		return "no-blocking-criterion"
	default:
		return "blocked"
	}
}

// WriteCSV writes one line per result.
func WriteCSV(w io.Writer, rs []*Result) error {
	cw := csv.NewWriter(w)
	head := []string{"name", "path", "sha256", "status", "star1", "blocking", "critical", "high", "medium", "low", "info",
		"scan_seconds", "peak_rss", "attempts", "worker", "tool_version", "rules_version", "report", "error"}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range rs {
		link := ""
		if r.File != "" {
			link = r.File + ".html"
		}
		rec := []string{r.Name, r.Path, r.SHA256, r.Status, r.Star1(), strings.Join(r.Blocking, " "),
			strconv.Itoa(r.Counts["critical"]), strconv.Itoa(r.Counts["high"]), strconv.Itoa(r.Counts["medium"]),
			strconv.Itoa(r.Counts["low"]), strconv.Itoa(r.Counts["info"]),
			strconv.FormatFloat(time.Duration(r.ScanTime).Seconds(), 'f', 3, 64), strconv.FormatInt(r.PeakRSS, 10),
			strconv.Itoa(r.Attempts), r.Worker, r.ToolVersion, r.RulesVersion, link, r.Error}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

//go:embed summary.html.tmpl
var summaryTemplate string

// summaryTmpl is parsed on first use, not at every start of the CLI.
var summaryTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("summary").Funcs(template.FuncMap{
		"tr": func(lang, en, ja string) string {
			if lang == "ja" {
				return ja
			}
			return en
		},
		"short": func(s string) string { return s[:min(12, len(s))] },
		"secs":  func(d Duration) string { return strconv.FormatFloat(time.Duration(d).Seconds(), 'f', 1, 64) },
		"mib": func(n int64) string {
			if n == 0 {
				return ""
			}
			return strconv.FormatFloat(float64(n)/(1<<20), 'f', 0, 64)
		},
		"join": strings.Join,
	}).Parse(summaryTemplate))
})

type summaryView struct {
	*Summary
	L       string
	Tool    string
	Rules   string
	Done    int
	Blocked int
	Failed  int
}

// summaryHTML renders one self-contained page (no script, inline style).
func summaryHTML(w io.Writer, s *Summary, lang string) error {
	if lang == "" {
		lang = "en"
	}
	v := summaryView{Summary: s, L: lang, Tool: analyzer.Version, Rules: analyzer.RulesVersion}
	for _, r := range s.Results {
		switch {
		case r.Status != Done:
			v.Failed++
		case len(r.Blocking) > 0:
			v.Blocked++
			v.Done++
		default:
			v.Done++
		}
	}
	return summaryTmpl().Execute(w, v)
}
