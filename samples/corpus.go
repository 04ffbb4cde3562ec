// Package samples finds the demo firmware that samples/gen builds and the shared
// corpus of real images that tests read when it is present.
package samples

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root is the module root, found from this source file.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// CorpusDir is $FWSTAR_CORPUS, else ../shared/corpus beside the module root.
func CorpusDir() string {
	if d := os.Getenv("FWSTAR_CORPUS"); d != "" {
		return d
	}
	return filepath.Join(Root(), "..", "shared", "corpus")
}

// Corpus returns the path of a corpus image, or skips the test when absent.
func Corpus(tb testing.TB, name string) string {
	tb.Helper()
	p := filepath.Join(CorpusDir(), name)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("corpus image %s not present (%v)", name, err)
	}
	return p
}

// SharedData returns the path of a file under ../shared/data (or
// $FWSTAR_SHARED_DATA): public data files kept beside the repository rather
// than in it. Skips the test when absent.
func SharedData(tb testing.TB, rel string) string {
	tb.Helper()
	dir := os.Getenv("FWSTAR_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join(Root(), "..", "shared", "data")
	}
	p := filepath.Join(dir, rel)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data %s not present (%v)", rel, err)
	}
	return p
}
