package squashfs_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/enginetest"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// The whole engine carves each old image out of a blob where it starts at
// 0x1234 and extracts it to the tree the era's unsquashfs gives.
func TestEngineOldCarved(t *testing.T) {
	want, err := sinktest.ReadTree("testdata/v3.tree")
	if err != nil {
		t.Fatal(err)
	}
	const off = 0x1234
	for _, name := range []string{"v30-le", "v30-be", "v32-be-check", "v33-le", "v33-be-128k"} {
		t.Run(name, func(t *testing.T) {
			img, err := os.ReadFile("testdata/" + name + ".sqfs")
			if err != nil {
				t.Fatal(err)
			}
			blob := append(bytes.Repeat([]byte("carve me\n"), off/9+1)[:off], img...)
			in := filepath.Join(t.TempDir(), name+".bin")
			if err := os.WriteFile(in, blob, 0o644); err != nil {
				t.Fatal(err)
			}
			m, err := engine.Default().Extract(context.Background(), in, filepath.Join(t.TempDir(), "out"))
			if err != nil {
				t.Fatal(err)
			}
			var c *engine.Chunk
			for _, ch := range m.Chunks {
				if ch.Format == "squashfs" {
					if c != nil {
						t.Fatalf("two squashfs chunks: %s, %s", c.Layer, ch.Layer)
					}
					c = ch
				}
			}
			if c == nil || c.Layer != name+".bin@0x1234:squashfs" || c.Error != "" || len(c.Problems) != 0 {
				t.Fatalf("chunk %+v", c)
			}
			got := enginetest.Tree(c)
			byPath := map[string]*engine.Entry{}
			for _, e := range c.Entries {
				byPath[e.Path] = e
			}
			if d := (sinktest.Compare{Hardlinks: true}).Diff(got, want); len(d) > 0 {
				t.Errorf("differs from unsquashfs:\n%s", strings.Join(d, "\n"))
			}
			if e := byPath["bin/tool-link"]; e == nil || e.Type != engine.TypeHardlink || e.Target != "bin/tool" {
				t.Errorf("bin/tool-link %+v, want a hard link to bin/tool", e)
			}
			if e := byPath["dev/ttyS0"]; e == nil || e.Major != 4 || e.Minor != 64 {
				t.Errorf("dev/ttyS0 %+v, want 4:64", e)
			}
			for name, mtime := range map[string]int64{"etc/hosts": 1234567891, "etc/services": 3000000000} {
				if e := byPath[name]; e == nil || e.MTime != mtime {
					t.Errorf("%s %+v, want mtime %d", name, e, mtime)
				}
			}
		})
	}
}
