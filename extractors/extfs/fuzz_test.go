package extfs

import (
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

func seeds(f *testing.F) {
	for _, n := range []string{"small-ext2.img.gz", "small-ext4.img.gz"} {
		f.Add(sinktest.Fixture(f, n))
	}
}

func FuzzIdentify(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckIdentify(t, Handler{}, b, false) })
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckExtract(t, Handler{}, b) })
}
