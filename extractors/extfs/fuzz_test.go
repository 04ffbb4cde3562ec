package extfs

import (
	"bytes"
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
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Handler{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
		if err == nil && (c.Start != 0 || c.End > int64(len(b)) || c.End <= 0) {
			t.Fatalf("chunk %+v", c)
		}
	})
}

func FuzzExtract(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) { sinktest.CheckExtract(t, Handler{}, b) })
}
