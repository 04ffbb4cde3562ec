// Package lazyre holds regular expressions that are compiled on first use.
// The analyzer's packages hold dozens, and compiling them all at every start
// of the CLI cost about 2 ms, even for `extract`, which uses none.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr on its first call and returns
// the same regexp after; like regexp.MustCompile, it panics if expr is
// invalid.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
