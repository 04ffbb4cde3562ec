package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/analyzer/scoring"
	"github.com/fwstar/fwstar/analyzer/vulns/store"
	"github.com/fwstar/fwstar/extractors/engine"
)

type scanFlags struct {
	format, output, lang, failOn, suppress, writeBaseline, keep, db string
	showSecrets                                                     bool
	top                                                             int
}

func newScanCmd() *cobra.Command {
	var f scanFlags
	eng := engine.Default()
	cmd := &cobra.Command{
		Use:   "scan IMAGE",
		Short: "Unpack and analyse an image; report findings, SBOM and JC-STAR ★1 verdicts",
		Long: `Scan runs the whole pipeline on a firmware image: unpack, inventory, SBOM,
secrets, attack surface and JC-STAR ★1 scoring. It never uses the network.

Exit codes: 0 scanned, nothing at or above --fail-on; 1 findings at or above
--fail-on (or a failing ★1 criterion with --fail-on criterion); 2 usage error;
3 the image could not be read; 4 internal error.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, args[0], eng, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "text", "report format: "+strings.Join(report.Formats(), ", ")+", cyclonedx, spdx")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringVar(&f.lang, "lang", "en", "report language: en or ja")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical), or 'criterion' when a ★1 criterion does not conform")
	fl.StringVar(&f.suppress, "suppress", "", "suppression (baseline) file: accepted findings with reasons")
	fl.StringVar(&f.writeBaseline, "write-baseline", "", "write a suppression file accepting every current finding")
	fl.StringVar(&f.keep, "keep", "", "keep the extracted tree in this folder")
	fl.StringVar(&f.db, "db", "", "local vulnerability store from 'fwstar db import' (default: the user cache's, when it exists)")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "include raw secrets in the report (redacted by default)")
	fl.IntVar(&f.top, "top", 40, "findings listed in text output (0: all)")
	limitFlags(cmd, &eng.Limits)
	return cmd
}

func runScan(cmd *cobra.Command, image string, eng *engine.Engine, f *scanFlags) error {
	if f.lang != "en" && f.lang != "ja" {
		return &exitError{exitUsage, fmt.Errorf("--lang must be en or ja")}
	}
	var failSev *model.Severity
	if f.failOn != "" && f.failOn != "criterion" {
		s, err := model.ParseSeverity(f.failOn)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--fail-on: %w", err)}
		}
		failSev = &s
	}
	var sups *report.Suppressions
	if f.suppress != "" {
		s, err := report.LoadSuppressions(f.suppress)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		sups = s
	}
	stderr := cmd.ErrOrStderr()
	st, err := openStore(f.db)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if st != nil {
		defer st.Close()
	}
	progress := newProgress(stderr)
	start := time.Now()
	r, err := analyzer.Scan(cmd.Context(), image, analyzer.Options{Engine: eng, Dir: f.keep, Now: start, Stage: progress.stage, VulnStore: st})
	progress.done()
	if err != nil {
		return &exitError{exitInput, err}
	}
	r.Lang = f.lang
	if sups != nil {
		for _, x := range r.Apply(sups, start) {
			fmt.Fprintf(stderr, "fwstar: suppression for %s%s expired on %s and no longer applies\n", x.Rule, x.ID, x.Expires)
		}
		if err := analyzer.Rescore(r, r.Stats.RootFS > 0); err != nil {
			return &exitError{exitInternal, err}
		}
	}
	if f.writeBaseline != "" {
		b, err := yaml.Marshal(r.Baseline("accepted in baseline of " + start.Format(time.DateOnly)))
		if err == nil {
			err = os.WriteFile(f.writeBaseline, b, 0o644)
		}
		if err != nil {
			return &exitError{exitInternal, err}
		}
	}
	if !f.showSecrets {
		r = r.Redact()
	}
	var buf bytes.Buffer
	if err := render(&buf, r, f); err != nil {
		return err
	}
	if err := writeOut(cmd.OutOrStdout(), f.output, buf.Bytes()); err != nil {
		return &exitError{exitInternal, err}
	}
	fmt.Fprintf(stderr, "fwstar: scanned %s in %s: %d findings, %d components\n", r.Image.Name, time.Since(start).Round(time.Millisecond), len(r.Findings), len(r.Components))
	return failOn(r, failSev, f.failOn == "criterion")
}

func render(w io.Writer, r *report.Report, f *scanFlags) error {
	switch f.format {
	case "cyclonedx", "spdx":
		if err := writeSBOM(w, r, f.format); err != nil {
			return &exitError{exitInternal, err}
		}
		return nil
	}
	rd, err := report.Lookup(f.format)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	color := f.output == "" && isTerminal(w) && os.Getenv("NO_COLOR") == ""
	if err := rd.Render(w, r, report.Options{Lang: f.lang, Color: color, Top: f.top}); err != nil {
		return &exitError{exitInternal, err}
	}
	return nil
}

// failOn maps the report to the exit code a CI reads.
func failOn(r *report.Report, sev *model.Severity, criterion bool) error {
	if sev != nil {
		for _, fd := range r.Findings {
			if fd.Severity >= *sev {
				return &exitError{code: exitFailOn, err: fmt.Errorf("findings at or above %s", sev)}
			}
		}
	}
	if criterion {
		if star := r.Star1(); star != nil {
			for _, c := range star.Criteria {
				if c.Verdict == scoring.DoesNotConform {
					return &exitError{code: exitFailOn, err: fmt.Errorf("criterion %s does not conform", c.ID)}
				}
			}
		}
	}
	return nil
}

func writeOut(stdout io.Writer, file string, b []byte) error {
	if file == "" || file == "-" {
		_, err := stdout.Write(b)
		return err
	}
	return os.WriteFile(file, b, 0o644)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// openStore opens the local vulnerability store a scan consults: the one
// named by --db (which must exist), else the default one if it exists. A scan
// never creates a store and never touches the network.
func openStore(path string) (*store.Store, error) {
	if path == "" {
		def, err := store.DefaultPath()
		if err != nil {
			return nil, nil
		}
		if _, err := os.Stat(def); err != nil {
			return nil, nil
		}
		path = def
	}
	return store.OpenExisting(path)
}
