package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/fwstar/fwstar/extractors/engine"
)

func newScanCmd() *cobra.Command {
	eng := engine.Default()
	cmd := &cobra.Command{
		Use:   "scan IMAGE",
		Short: "Unpack and analyse an image and report on it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tmp, err := os.MkdirTemp("", "fwstar-")
			if err != nil {
				return &exitError{exitInternal, err}
			}
			defer os.RemoveAll(tmp)
			m, err := eng.Extract(cmd.Context(), args[0], tmp)
			if err != nil {
				return &exitError{exitInput, err}
			}
			printLayers(cmd.OutOrStdout(), m)
			return nil
		},
	}
	limitFlags(cmd, &eng.Limits)
	return cmd
}
