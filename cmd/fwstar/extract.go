package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/jsonindent"
)

// limitFlags binds the budgets to flags shared by extract and scan.
func limitFlags(cmd *cobra.Command, l *engine.Limits) {
	f := cmd.Flags()
	f.Int64Var(&l.TotalBytes, "max-bytes", l.TotalBytes, "budget: bytes written for the whole image")
	f.Int64Var(&l.FileBytes, "max-file-bytes", l.FileBytes, "budget: bytes of one extracted file")
	f.Float64Var(&l.Ratio, "max-ratio", l.Ratio, "budget: expansion ratio of one chunk (checked past 64 MiB)")
	f.Int64Var(&l.Files, "max-files", l.Files, "budget: number of extracted entries")
	f.IntVar(&l.Depth, "max-depth", l.Depth, "budget: nesting depth of chunks")
	f.DurationVar(&l.HandlerTimeout, "handler-timeout", l.HandlerTimeout, "budget: wall time of one handler on one chunk")
	f.DurationVar(&l.Timeout, "timeout", l.Timeout, "budget: wall time of unpacking the whole image (0: none)")
}

func newExtractCmd() *cobra.Command {
	var out string
	eng := engine.Default()
	cmd := &cobra.Command{
		Use:   "extract IMAGE -o DIR",
		Short: "Unpack an image recursively into DIR and write DIR/manifest.json",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &exitError{exitUsage, fmt.Errorf("extract needs -o DIR")}
			}
			start := time.Now()
			m, err := eng.Extract(cmd.Context(), args[0], out)
			if err != nil {
				return &exitError{exitInput, err}
			}
			b, err := jsonindent.Marshal(m, "  ")
			if err != nil {
				return &exitError{exitInternal, err}
			}
			if err := os.WriteFile(filepath.Join(out, "manifest.json"), b, 0o644); err != nil {
				return &exitError{exitInternal, err}
			}
			printLayers(cmd.OutOrStdout(), m)
			fmt.Fprintf(cmd.ErrOrStderr(), "extracted in %s; manifest: %s\n", time.Since(start).Round(time.Millisecond), filepath.Join(out, "manifest.json"))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "output folder")
	limitFlags(cmd, &eng.Limits)
	return cmd
}
