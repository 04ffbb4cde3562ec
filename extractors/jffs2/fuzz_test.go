package jffs2

import (
	"bytes"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seeds(f *testing.F) {
	sinktest.Seeds(f, 8<<10, "*.jffs2")
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err == nil && (c.Start != 0 || c.End != -1) {
			t.Fatalf("chunk %+v", c)
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckExtract(t, Handler{}, b) })
}
