package elfinfo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil && bytes.HasPrefix(b, []byte("\x7fELF")) {
			f.Add(b)
		}
	}
	catchPanics = false
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		Parse(r, int64(len(b)), Options{})
		LibcChk(r, int64(len(b)))
	})
}
