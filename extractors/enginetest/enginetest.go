// Package enginetest helps tests that run the whole engine compare what it
// wrote with a reference tool's tree (sinktest's .tree files).
package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// Tree lists a chunk's manifest entries as tree entries. A hard link's
// target is left out, as reference listings cannot tell which name of a
// file came first.
func Tree(c *engine.Chunk) []sinktest.Entry {
	var out []sinktest.Entry
	for _, e := range c.Entries {
		if e.Path == "." {
			continue
		}
		mode, _ := strconv.ParseUint(e.Mode, 8, 32)
		s := sinktest.Entry{Path: e.Path, Type: e.Type, Mode: uint32(mode), UID: e.UID, GID: e.GID, Size: e.Size, SHA256: e.SHA256, Target: e.Target}
		if s.SHA256 == "" {
			s.SHA256 = "-"
		}
		if s.Type == engine.TypeHardlink {
			s.Target = ""
		}
		out = append(out, s)
	}
	return out
}

// Run writes img to a file called name in a temporary folder, unpacks it with
// the default engine and returns the chunks by layer path. A chunk that
// reports an error fails the test.
func Run(t testing.TB, name string, img []byte) map[string]*engine.Chunk {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, name)
	if err := os.WriteFile(in, img, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := engine.Default().Extract(context.Background(), in, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	byLayer := map[string]*engine.Chunk{}
	for _, c := range m.Chunks {
		byLayer[c.Layer] = c
		if c.Error != "" {
			t.Errorf("%s: %s", c.Layer, c.Error)
		}
	}
	return byLayer
}
