package cramfs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.cramfs")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err == nil && (c.Start != 0 || c.End > int64(len(b)) || (c.End != -1 && c.End <= 0)) {
			t.Fatalf("chunk %+v", c)
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckExtract(t, Handler{}, b) })
}
