package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress shows the scan's stages on a terminal, and nothing otherwise, so
// that logs and CI output stay clean.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  string
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, on: isTerminal(w) && os.Getenv("CI") == "", start: time.Now()}
}

func (p *progress) stage(name string) {
	if !p.on {
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%6.1fs] %s…", time.Since(p.start).Seconds(), name)
	p.last = name
}

func (p *progress) done() {
	if p.on && p.last != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
