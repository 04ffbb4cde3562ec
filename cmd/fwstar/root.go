package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// Exit codes, documented in README.md. A CI reads these.
const (
	exitOK       = 0 // ran; nothing above --fail-on
	exitFailOn   = 1 // ran; findings at or above --fail-on, or a failing criterion
	exitUsage    = 2 // bad flags or arguments
	exitInput    = 3 // the input could not be read
	exitInternal = 4 // fwstar itself failed
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "fwstar",
		Short:         "Firmware image static analyzer: unpack, inventory, SBOM, secrets, vulnerabilities, JC-STAR ★1",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	// --cpuprofile writes a pprof CPU profile of the run, for reports of an
	// image that unpacks or scans slowly.
	var profile string
	root.PersistentFlags().StringVar(&profile, "cpuprofile", "", "write a CPU profile of the run to FILE (pprof)")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if profile == "" {
			return nil
		}
		f, err := os.Create(profile)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		return pprof.StartCPUProfile(f) // execute stops it, which writes it out
	}
	root.AddCommand(newExtractCmd(), newScanCmd(), newSBOMCmd(), newDBCmd(), newBatchCmd(), newSubmitCmd(), newWorkerCmd(), newResultsCmd())
	return root
}

func execute(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	pprof.StopCPUProfile()
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != exitFailOn {
			fmt.Fprintln(stderr, "fwstar:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "fwstar:", err)
	return exitUsage
}
