package hostile

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/engine"
)

// extractTar writes a real tar of hdrs (empty bodies) and extracts it with lim.
func extractTar(t *testing.T, lim engine.Limits, hdrs []*tar.Header) (*engine.Manifest, string) {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	base := tempDir(t)
	in := filepath.Join(base, "x.tar")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(base, "out")
	m, err := engine.New(engine.Handlers(), lim).Extract(context.Background(), in, out)
	if err != nil {
		t.Fatal(err)
	}
	return m, out
}

// Regression: a tar's "inner -> sub" then "inner/x" wrote sub/x on disk while
// the manifest said inner/x (os.Root follows links that stay inside it). The
// sink now refuses an entry under a symlinked folder.
func TestWriteUnderSymlinkRefused(t *testing.T) {
	m, out := extractTar(t, limits(), []*tar.Header{
		{Name: "sub/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "inner", Typeflag: tar.TypeSymlink, Linkname: "sub"},
		{Name: "inner/x", Typeflag: tar.TypeReg},
		{Name: "inner/d/", Typeflag: tar.TypeDir, Mode: 0o755},
	})
	var ch *engine.Chunk
	for _, c := range m.Chunks {
		if c.Format == "tar" {
			ch = c
		}
	}
	if ch == nil {
		t.Fatal("no tar chunk")
	}
	refused := 0
	for _, p := range ch.Problems {
		if strings.Contains(p.Detail, "is a symlink") {
			refused++
		}
	}
	for _, e := range ch.Entries {
		if strings.HasPrefix(e.Path, "inner/") {
			t.Errorf("entry %q recorded under the symlink", e.Path)
		}
	}
	if refused != 2 {
		t.Errorf("%d entries refused under the symlink, want 2: %+v", refused, ch.Problems)
	}
	for _, p := range []string{"sub/x", "sub/d"} {
		if _, err := os.Lstat(filepath.Join(out, ch.Dir, p)); err == nil {
			t.Errorf("%s written through the symlink", p)
		}
	}
}

// Regression: once the image's files budget was spent, the engine still
// opened a sink for every later candidate (each 512-byte header of a big tar)
// and ignored the run's deadline in its candidate loop: a 200k-entry tar ran
// past a minute. Now the rest is reported as not extracted.
func TestSpentBudgetStopsExtraction(t *testing.T) {
	lim := limits()
	lim.Files = 1000
	var hdrs []*tar.Header
	for i := range 20000 {
		hdrs = append(hdrs, &tar.Header{Name: fmt.Sprintf("f%05d", i), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR})
	}
	t0 := time.Now()
	m, _ := extractTar(t, lim, hdrs)
	if d := time.Since(t0); d > 20*time.Second {
		t.Errorf("took %s", d)
	}
	dirs := 0
	for _, c := range m.Chunks {
		if c.Dir != "" {
			dirs++
		}
	}
	if dirs > 2 {
		t.Errorf("%d chunk folders opened after the budget was spent", dirs)
	}
}
