// Package enginetest helps tests that run the whole engine compare what it
// wrote with a reference tool's tree (sinktest's .tree files).
package enginetest

import (
	"strconv"

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
