package secrets

import (
	"context"
	"os"
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

// BenchmarkDir runs the pass over any extracted tree named by
// $FWSTAR_BENCH_DIR, to time it beside other scanners on the same files.
func BenchmarkDir(b *testing.B) {
	dir := os.Getenv("FWSTAR_BENCH_DIR")
	if dir == "" {
		b.Skip("FWSTAR_BENCH_DIR not set")
	}
	tr := dirTree(b, dir)
	var n int
	for b.Loop() {
		fs, err := Run(context.Background(), tr)
		if err != nil {
			b.Fatal(err)
		}
		n = len(fs)
	}
	b.ReportMetric(float64(n), "findings")
}
