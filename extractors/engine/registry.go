package engine

import (
	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/compress"
)

// Handlers lists every built-in handler, in priority order: where two match at
// the same offset, the earlier one is tried first. Headers and filesystems come
// before archives, and compressors (whose magics are short) last.
func Handlers() []extractors.Handler {
	return []extractors.Handler{
		compress.Gzip{},
	}
}

// Default returns an engine with every built-in handler and the default budgets.
func Default() *Engine { return New(Handlers(), DefaultLimits()) }
