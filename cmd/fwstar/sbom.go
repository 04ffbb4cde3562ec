package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/analyzer/sbom"
	"github.com/fwstar/fwstar/extractors/engine"
)

func newSBOMCmd() *cobra.Command {
	var format, output string
	eng := engine.Default()
	cmd := &cobra.Command{
		Use:   "sbom IMAGE",
		Short: "Write the image's SBOM (CycloneDX 1.6 or SPDX 2.3 JSON), with known vulnerabilities",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "cyclonedx" && format != "spdx" {
				return &exitError{exitUsage, fmt.Errorf("--format must be cyclonedx or spdx")}
			}
			r, err := analyzer.Scan(cmd.Context(), args[0], analyzer.Options{Engine: eng})
			if err != nil {
				return &exitError{exitInput, err}
			}
			var b strings.Builder
			if err := writeSBOM(&b, r, format); err != nil {
				return &exitError{exitInternal, err}
			}
			return writeOut(cmd.OutOrStdout(), output, []byte(b.String()))
		},
	}
	cmd.Flags().StringVar(&format, "format", "cyclonedx", "cyclonedx or spdx")
	cmd.Flags().StringVarP(&output, "output", "o", "", "output file (default: standard output)")
	limitFlags(cmd, &eng.Limits)
	return cmd
}

// writeSBOM renders the report's components (and, for CycloneDX, its
// vulnerabilities) through the sbom package. The document carries no
// timestamp, so the same image gives the same SBOM.
func writeSBOM(w io.Writer, r *report.Report, format string) error {
	doc := sbom.Document{ImageName: r.Image.Name, ImageSHA256: r.Image.SHA256, ToolName: "fwstar",
		ToolVersion: r.Tool.Version, Created: time.Time{}, Components: r.Components, Vulnerabilities: sbomVulns(r.Vulnerabilities)}
	if format == "spdx" {
		return sbom.WriteSPDX(w, doc)
	}
	return sbom.WriteCycloneDX(w, doc)
}

func sbomVulns(vs []model.Vulnerability) []sbom.Vulnerability {
	var out []sbom.Vulnerability
	for _, v := range vs {
		sv := sbom.Vulnerability{ID: v.ID, Source: v.Source, Affects: []string{v.Component},
			Description: v.Description, Fixed: v.Fixed, Detail: v.Reason, Justification: v.Justification}
		switch v.State {
		case "not-affected":
			sv.State = "not_affected"
		default:
			sv.State = "exploitable"
		}
		for _, c := range v.CVSS {
			method := "CVSSv31"
			switch {
			case strings.HasPrefix(c.Version, "4"):
				method = "CVSSv4"
			case c.Version == "3.0":
				method = "CVSSv3"
			}
			sv.Ratings = append(sv.Ratings, sbom.Rating{Method: method, Score: c.Score, Vector: c.Vector})
		}
		out = append(out, sv)
	}
	return out
}
