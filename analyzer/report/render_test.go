package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/net/html"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/samples"
)

var (
	demoOnce sync.Once
	demo     *report.Report
	demoErr  error
)

// demoReport scans the committed demo firmware once for all renderer tests.
func demoReport(t *testing.T) *report.Report {
	t.Helper()
	demoOnce.Do(func() {
		img := filepath.Join(samples.Root(), "samples", "demo-router.bin")
		demo, demoErr = analyzer.Scan(context.Background(), img, analyzer.Options{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demo.Redact()
}

func render(t *testing.T, r *report.Report, format, lang string) []byte {
	t.Helper()
	rd, err := report.Lookup(format)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rd.Render(&b, r, report.Options{Lang: lang}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func validate(t *testing.T, schemaFile string, doc []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("%s: %v", schemaFile, err)
	}
}

func TestJSONMatchesItsSchema(t *testing.T) {
	r := demoReport(t)
	validate(t, "schema/report.schema.json", render(t, r, "json", "en"))
}

// TestSARIFIsValid checks the SARIF output against the official OASIS SARIF
// 2.1.0 JSON schema (testdata/schema, from the sarif-spec repository).
func TestSARIFIsValid(t *testing.T) {
	r := demoReport(t)
	out := render(t, r, "sarif", "en")
	validate(t, "testdata/schema/sarif-schema-2.1.0.json", out)
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 || len(doc.Runs[0].Results) != len(r.Findings) {
		t.Fatalf("SARIF has %d runs, want one result per finding (%d)", len(doc.Runs), len(r.Findings))
	}
	for _, res := range doc.Runs[0].Results {
		if res.PartialFingerprints["fwstarFindingId/v1"] == "" {
			t.Fatalf("result %s has no fingerprint", res.RuleID)
		}
	}
}

func TestHTMLIsSelfContained(t *testing.T) {
	r := demoReport(t)
	for _, lang := range []string{"en", "ja"} {
		out := render(t, r, "html", lang)
		doc, err := html.Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "link" || n.Data == "img") {
				t.Errorf("%s: HTML report loads <%s>; it must be self-contained", lang, n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if want := map[string]string{"en": "DOES NOT CONFORM", "ja": "不適合"}[lang]; !strings.Contains(string(out), want) {
			t.Errorf("%s: HTML lacks %q", lang, want)
		}
	}
}

func TestTextShowsVerdict(t *testing.T) {
	r := demoReport(t)
	out := string(render(t, r, "text", "en"))
	if !strings.Contains(out, "S1.1-02") || !strings.Contains(out, "DOES NOT CONFORM") {
		t.Fatalf("text report lacks the S1.1-02 verdict:\n%s", out)
	}
	if strings.Contains(out, "\x1b[") {
		t.Fatal("colour codes without Color")
	}
	ja := string(render(t, r, "text", "ja"))
	if !strings.Contains(ja, "不適合") {
		t.Fatal("Japanese text report lacks 不適合")
	}
}

// TestDeterministic scans twice: the reports differ only in generated_at.
func TestDeterministic(t *testing.T) {
	a := render(t, demoReport(t), "json", "en")
	img := filepath.Join(samples.Root(), "samples", "demo-router.bin")
	r2, err := analyzer.Scan(context.Background(), img, analyzer.Options{Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	r2.GeneratedAt = demoReport(t).GeneratedAt
	b := render(t, r2.Redact(), "json", "en")
	if !bytes.Equal(a, b) {
		t.Fatal("two scans of the same image gave different reports")
	}
}
