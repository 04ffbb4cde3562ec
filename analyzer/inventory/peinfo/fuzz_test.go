package peinfo

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.efi")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	catchPanics = false
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseBytes(b)
		parseTE(b, int64(len(b)))
		headers(b)
	})
}
