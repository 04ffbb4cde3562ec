package archive_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/archive"
	"github.com/fwstar/fwstar/extractors/engine"
)

// outside lists what exists in the test's temp folder besides the output root.
func outside(t *testing.T, out string) []string {
	t.Helper()
	es, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range es {
		if e.Name() != filepath.Base(out) {
			extra = append(extra, e.Name())
		}
	}
	return extra
}

// Names that climb out, absolute names, and a file written through an
// absolute symlink, as the real tools store them: the engine writes nothing
// outside its root and records each refusal.
func TestHostileNames(t *testing.T) {
	hs := []extractors.Handler{archive.CPIO{}, archive.Tar{}, archive.Zip{}}
	for _, tc := range []struct {
		file    string
		refused string // a problem path the manifest must hold
		kept    string // an entry that is extracted, confined
	}{
		{"traversal.cpio", "../evil", ""},
		{"traversal.tar", "../evil", "abs.txt"},
		{"traversal.zip", "../evil", ""},
		{"symlink-escape.tar", "link/passwd", "link"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			m, out := extract(t, filepath.Join("testdata", tc.file), engine.DefaultLimits(), hs...)
			if x := outside(t, out); len(x) > 0 {
				t.Fatalf("written outside the root: %v", x)
			}
			if _, err := os.Stat("/etc/passwd/passwd"); err == nil {
				t.Fatal("wrote through the symlink")
			}
			var problems, entries []string
			for _, c := range m.Chunks {
				for _, p := range c.Problems {
					problems = append(problems, p.Path)
				}
				for _, e := range c.Entries {
					entries = append(entries, e.Path)
				}
			}
			if !contains(problems, tc.refused) {
				t.Errorf("problems %v, want %q refused", problems, tc.refused)
			}
			if tc.kept != "" && !containsSuffix(entries, tc.kept) {
				t.Errorf("entries %v, want %q", entries, tc.kept)
			}
		})
	}
}

func contains(l []string, s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

func containsSuffix(l []string, s string) bool {
	for _, v := range l {
		if strings.HasSuffix(v, s) {
			return true
		}
	}
	return false
}
