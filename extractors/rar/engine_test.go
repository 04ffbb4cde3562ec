package rar_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/enginetest"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// The default engine finds a RAR 5 and a RAR 4 archive at non-zero offsets of
// one blob, sizes each exactly, and writes what unrar writes.
func TestEngine(t *testing.T) {
	rar5 := sinktest.Fixture(t, "rar5.rar")
	rar4 := sinktest.Fixture(t, "rar4.rar")
	pad := bytes.Repeat([]byte{0xFF}, 4096)
	blob := bytes.Join([][]byte{pad, rar5, pad[:1000], rar4, pad}, nil)
	in := filepath.Join(t.TempDir(), "fw.bin")
	if err := os.WriteFile(in, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := engine.Default().Extract(context.Background(), in, filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := sinktest.ReadTree("testdata/rar5.tree")
	if err != nil {
		t.Fatal(err)
	}
	offsets := map[int64]int64{4096: int64(len(rar5)), int64(4096 + len(rar5) + 1000): int64(len(rar4))}
	found := 0
	for _, c := range m.Chunks {
		if c.Format != "rar" {
			continue
		}
		found++
		if size, ok := offsets[c.Offset]; !ok || c.Size != size || c.Error != "" || c.Parent != "fw.bin" {
			t.Errorf("chunk %s: offset %d size %d error %q", c.Layer, c.Offset, c.Size, c.Error)
		}
		for _, e := range c.Entries {
			if e.Path != "." && e.MTime != 1600000000 {
				t.Errorf("%s: mtime %d", e.Path, e.MTime)
			}
		}
		for _, d := range (sinktest.Compare{IgnoreOwner: true}).Diff(enginetest.Tree(c), want) {
			t.Errorf("%s: %s", c.Layer, d)
		}
	}
	if found != 2 {
		t.Errorf("%d rar chunks, want 2", found)
	}
}
