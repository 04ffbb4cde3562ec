package cramfs

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seeds(f *testing.F) {
	sinktest.Seeds(f, 0, "*.cramfs")
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckIdentify(t, Handler{}, b, true) })
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckExtract(t, Handler{}, b) })
}
