package main

import (
	"fmt"
	"io"

	"github.com/fwstar/fwstar/extractors/engine"
)

// printLayers writes the chunk tree of a manifest, one chunk a line.
func printLayers(w io.Writer, m *engine.Manifest) {
	var files, links int
	for _, c := range m.Chunks {
		for _, e := range c.Entries {
			switch e.Type {
			case engine.TypeFile, engine.TypeHardlink:
				files++
			case engine.TypeSymlink:
				links++
			}
		}
		line := fmt.Sprintf("%-60s %-8s %10d", c.Layer, c.Kind, c.Size)
		if c.Info != "" {
			line += "  " + c.Info
		}
		if c.Kind != engine.KindKnown {
			line += fmt.Sprintf("  entropy %.2f", c.Entropy)
		}
		if len(c.Entries) > 0 {
			line += fmt.Sprintf("  (%d entries)", len(c.Entries))
		}
		if c.Error != "" {
			line += "  ERROR: " + c.Error
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "%d chunks, %d files, %d symlinks, %d problems\n", len(m.Chunks), files, links, len(m.Problems))
}
