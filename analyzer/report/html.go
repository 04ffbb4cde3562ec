package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/services"
)

//go:embed report.html.tmpl
var htmlTemplate string

type htmlRenderer struct{}

func (htmlRenderer) Format() string { return "html" }

// htmlView is what the template reads: the report plus the language.
type htmlView struct {
	*Report
	L string
}

// tmpl is parsed on first use, not at every start of the CLI.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"t": func(t model.Text, lang string) string { return t.In(lang) },
		"tr": func(lang, en, ja string) string {
			if lang == "ja" {
				return ja
			}
			return en
		},
		"sev":     func(s model.Severity, lang string) string { return SeverityLabel(s, lang) },
		"sevname": func(s model.Severity) string { return s.String() },
		"sevlabel": func(name, lang string) string {
			s, _ := model.ParseSeverity(name)
			return SeverityLabel(s, lang)
		},
		"verdict": func(v, lang string) string { return verdictText[v].In(lang) },
		"join":    strings.Join,
		"hex":     func(v int64) string { return fmt.Sprintf("0x%X", v) },
		"sum": func(m map[model.Severity]int, s string) int {
			v, _ := model.ParseSeverity(s)
			return m[v]
		},
		"indent": func(layer string) int { return strings.Count(layer, "@0x") - 1 },
		"auth": func(svc *services.Service, lang string) string {
			a, e := serviceAuth(svc, lang)
			return a + e
		},
		"inimage": lastPart,
		"counts":  countList,
	}).Parse(htmlTemplate))
})

// Render writes one self-contained HTML file: no script, style inline, so it
// can be mailed to a lab or attached to a CI run as is.
func (htmlRenderer) Render(w io.Writer, r *Report, o Options) error {
	lang := o.Lang
	if lang == "" {
		lang = "en"
	}
	return tmpl().Execute(w, htmlView{Report: r, L: lang})
}
