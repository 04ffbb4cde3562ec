package secrets

import (
	"context"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// BenchmarkKirkwood runs the pass over the extracted Debian installer initrd
// (748 files, 353 ELFs, 142 CA certificates); the extraction is not timed.
func BenchmarkKirkwood(b *testing.B) {
	dir := b.TempDir()
	m, err := engine.Default().Extract(context.Background(), samples.Corpus(b, "debian12-kirkwood-initrd.gz"), dir)
	if err != nil {
		b.Fatal(err)
	}
	tr := model.NewTree(m, dir)
	var size int64
	for _, f := range tr.Regular() {
		size += f.Entry.Size
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), tr); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFixture is the guessing-heavy case: yescrypt, bcrypt and
// SHA-512 hashes against the default list.
func BenchmarkFixture(b *testing.B) {
	tr := dirTree(b, "testdata/rootfs")
	for b.Loop() {
		if _, err := Run(context.Background(), tr); err != nil {
			b.Fatal(err)
		}
	}
}
