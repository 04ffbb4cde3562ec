package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/samples"
)

var demo = filepath.Join(samples.Root(), "samples", "demo-router.bin")

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	if code, _, _ := run(t, "scan", demo, "--format", "json", "-o", filepath.Join(t.TempDir(), "r.json")); code != exitOK {
		t.Fatalf("plain scan exited %d", code)
	}
	if code, _, _ := run(t, "scan", demo, "--fail-on", "high", "-o", os.DevNull); code != exitFailOn {
		t.Fatalf("--fail-on high on the demo (telnet without login) exited %d, want %d", code, exitFailOn)
	}
	if code, _, _ := run(t, "scan", demo, "--fail-on", "criterion", "-o", os.DevNull); code != exitFailOn {
		t.Fatalf("--fail-on criterion exited %d", code)
	}
	if code, _, _ := run(t, "scan", demo, "--fail-on", "bogus"); code != exitUsage {
		t.Fatalf("bad --fail-on exited %d", code)
	}
	if code, _, _ := run(t, "scan", filepath.Join(t.TempDir(), "missing.bin")); code != exitInput {
		t.Fatalf("missing image exited %d", code)
	}
	if code, _, _ := run(t, "scan", demo, "--format", "pdf"); code != exitUsage {
		t.Fatalf("unknown format exited %d", code)
	}
}

// TestBaselineSuppressesEverything writes a baseline and scans again with it:
// nothing is left to fail the build, and every suppression keeps its reason.
func TestBaselineSuppressesEverything(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "baseline.yaml")
	if code, _, errs := run(t, "scan", demo, "--write-baseline", base, "-o", os.DevNull); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	out := filepath.Join(dir, "r.json")
	code, _, errs := run(t, "scan", demo, "--suppress", base, "--fail-on", "low", "--format", "json", "-o", out)
	if code != exitOK {
		t.Fatalf("with the baseline, exit %d: %s", code, errs)
	}
	var r struct {
		Findings   []json.RawMessage `json:"findings"`
		Suppressed []struct {
			Reason string `json:"reason"`
		} `json:"suppressed"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 0 || len(r.Suppressed) == 0 {
		t.Fatalf("%d findings left, %d suppressed", len(r.Findings), len(r.Suppressed))
	}
	for _, s := range r.Suppressed {
		if !strings.HasPrefix(s.Reason, "accepted in baseline") {
			t.Fatalf("suppression reason %q", s.Reason)
		}
	}
}

func TestSuppressionNeedsReason(t *testing.T) {
	f := filepath.Join(t.TempDir(), "s.yaml")
	os.WriteFile(f, []byte("suppressions:\n  - rule: telnet-no-login\n"), 0o644)
	if code, _, _ := run(t, "scan", demo, "--suppress", f); code != exitUsage {
		t.Fatalf("a suppression without reason was accepted (exit %d)", code)
	}
}

func TestTextHasNoColourWhenPiped(t *testing.T) {
	_, out, _ := run(t, "scan", demo)
	if strings.Contains(out, "\x1b[") {
		t.Fatal("ANSI colour in piped output")
	}
	if !strings.Contains(out, "S1.1-02") {
		t.Fatal("no ★1 scorecard in text output")
	}
}

func TestExtractWritesManifest(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := run(t, "extract", demo, "-o", dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var m struct {
		Chunks []struct {
			Layer   string `json:"layer"`
			Format  string `json:"format"`
			Entries []struct {
				Path string `json:"path"`
			} `json:"entries"`
		} `json:"chunks"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Chunks {
		if c.Format == "squashfs" && c.Layer == "demo-router.bin@0x40:squashfs" {
			for _, e := range c.Entries {
				if e.Path == "etc/shadow" {
					return
				}
			}
		}
	}
	t.Fatalf("manifest has no demo-router.bin@0x40:squashfs/etc/shadow")
}
