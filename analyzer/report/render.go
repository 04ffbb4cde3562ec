package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/fwstar/fwstar/extractors/jsonindent"
)

// Options shape a rendering.
type Options struct {
	Lang  string // "en" or "ja"
	Color bool   // ANSI colour; only on a terminal and without NO_COLOR
	Top   int    // findings listed in text output; 0 means all
}

// Renderer writes a report in one format.
type Renderer interface {
	Format() string
	Render(w io.Writer, r *Report, o Options) error
}

var renderers = map[string]Renderer{}

func register(r Renderer) { renderers[r.Format()] = r }

func init() {
	register(textRenderer{})
	register(jsonRenderer{})
	register(sarifRenderer{})
	register(htmlRenderer{})
}

// Lookup returns the renderer of a --format value.
func Lookup(format string) (Renderer, error) {
	r, ok := renderers[format]
	if !ok {
		return nil, fmt.Errorf("unknown report format %q (want one of %v)", format, Formats())
	}
	return r, nil
}

// Formats lists the report formats renderers exist for.
func Formats() []string {
	var out []string
	for k := range renderers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type jsonRenderer struct{}

func (jsonRenderer) Format() string { return "json" }

func (jsonRenderer) Render(w io.Writer, r *Report, _ Options) error {
	b, err := jsonindent.Marshal(r, "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
