package model

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/engine"
)

func TestLookupFollowsLinksInsideChunk(t *testing.T) {
	c := &engine.Chunk{Layer: "fw@0x0:squashfs", Entries: []*engine.Entry{
		{Path: "bin", Type: engine.TypeDir},
		{Path: "bin/busybox", Type: engine.TypeFile},
		{Path: "bin/sh", Type: engine.TypeSymlink, Target: "busybox"},
		{Path: "usr", Type: engine.TypeDir},
		{Path: "usr/bin", Type: engine.TypeSymlink, Target: "/bin"},
		{Path: "escape", Type: engine.TypeSymlink, Target: "../../../../etc/passwd"},
		{Path: "loop", Type: engine.TypeSymlink, Target: "loop"},
	}}
	tr := NewTree(&engine.Manifest{Chunks: []*engine.Chunk{c}}, "/nonexistent")
	sh := tr.LookupIn(c, "/usr/bin/sh")
	if sh == nil || sh.Name() != "bin/busybox" {
		t.Fatalf("usr/bin/sh resolved to %v", sh)
	}
	if f := tr.LookupIn(c, "/escape"); f != nil {
		t.Fatalf("escape resolved to %s", f.Name())
	}
	if f := tr.LookupIn(c, "/loop"); f != nil {
		t.Fatalf("loop resolved to %s", f.Name())
	}
	if got := len(tr.Glob("**/busybox")); got != 1 {
		t.Fatalf("glob found %d", got)
	}
	if !Match("**/etc/shadow", "etc/shadow") || Match("etc/*", "etc/a/b") {
		t.Fatal("Match")
	}
}
