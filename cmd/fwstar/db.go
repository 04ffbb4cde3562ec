package main

import (
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/fwstar/fwstar/analyzer/vulns"
	rules "github.com/fwstar/fwstar/rules/vulns"
)

// newDBCmd is `fwstar db`: the local vulnerability store that scans read
// beside the built-in baseline. Nothing here downloads: users fetch the
// files (NVD JSON 2.0 records or feeds, CVE JSON 5 records, OSV records or
// ecosystem zips, the CISA KEV catalog, EPSS CSV) and import them.
func newDBCmd() *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the local vulnerability store (offline imports; scans never use the network)",
	}
	cmd.PersistentFlags().StringVar(&dbPath, "db", "", "store file (default: the user cache folder, fwstar/vulns.db)")

	imp := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import vulnerability data files or folders into the store (incremental, idempotent)",
		Long: `Import reads each PATH (a file, a folder walked for *.json, *.csv, their
.gz/.xz forms and *.zip) and upserts what it finds. Recognised formats:
NVD CVE API 2.0 records and feeds ({"vulnerabilities":[{"cve":...}]}, e.g.
fkie-cad/nvd-json-data-feeds files), CVE JSON 5 records, OSV records and
ecosystem zips, the CISA KEV catalog (JSON or CSV) and EPSS CSV. A record
replaces a stored one only when its lastModified is newer.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := vulns.OpenStore(dbPath)
			if err != nil {
				return &exitError{exitInput, err}
			}
			defer st.Close()
			out := cmd.OutOrStdout()
			failed := 0
			for _, p := range args {
				start := time.Now()
				rs, err := vulns.Import(cmd.Context(), st, p)
				if err != nil {
					return &exitError{exitInput, err}
				}
				for _, r := range rs {
					if r.Err != nil {
						failed++
						fmt.Fprintf(cmd.ErrOrStderr(), "fwstar: %s: %v\n", r.Path, r.Err)
						continue
					}
					fmt.Fprintf(out, "%s\t%s\tadded %d, updated %d, unchanged %d, removed %d, in %s\n", r.Path, r.Format, r.Added, r.Updated, r.Unchanged, r.Removed, time.Since(start).Round(time.Millisecond))
				}
			}
			if failed > 0 {
				return &exitError{exitInput, fmt.Errorf("%d files could not be imported", failed)}
			}
			return nil
		},
	}

	status := &cobra.Command{
		Use:   "status",
		Short: "Show what the built-in baseline and the local store hold",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			b, err := rules.Load()
			if err != nil {
				return &exitError{exitInternal, err}
			}
			fmt.Fprintf(out, "built-in baseline: %d records, %d products, data as of %s\n", len(b.Records), len(b.Products), b.Generated)
			for _, s := range b.Sources {
				fmt.Fprintf(out, "  source: %s\n", s)
			}
			st, err := vulns.OpenStore(dbPath)
			if err != nil {
				return &exitError{exitInput, err}
			}
			defer st.Close()
			s, err := st.Status(cmd.Context())
			if err != nil {
				return &exitError{exitInput, err}
			}
			fmt.Fprintf(out, "local store: %s\n", s.Path)
			srcs := make([]string, 0, len(s.Records))
			for k := range s.Records {
				srcs = append(srcs, k)
			}
			sort.Strings(srcs)
			for _, k := range srcs {
				fmt.Fprintf(out, "  %s: %d records, newest modified %s\n", k, s.Records[k], s.Newest[k])
			}
			fmt.Fprintf(out, "  CISA KEV: %d entries\n  EPSS: %d scores", s.KEV, s.EPSS)
			if s.EPSSDate != "" {
				fmt.Fprintf(out, " (score date %s)", s.EPSSDate)
			}
			fmt.Fprintln(out)
			for _, im := range s.LastImports {
				fmt.Fprintf(out, "  imported %s %s (%s): added %d, updated %d, unchanged %d, removed %d\n", im.At, im.Path, im.Format, im.Added, im.Updated, im.Unchanged, im.Removed)
			}
			return nil
		},
	}
	cmd.AddCommand(imp, status)
	return cmd
}
