package compress_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/compress"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/sinktest"
	"github.com/fwstar/fwstar/samples"
)

// The OpenWrt 15.05.1 WR703N kernel: lzma-alone (props 0x6D, 8 MiB dictionary,
// size 0x35AD84) at 0x200, right after the TP-Link header; the squashfs
// follows at 0x11B0A0.
func TestCorpusOpenWrtKernel(t *testing.T) {
	img := samples.Corpus(t, "openwrt-15.05.1-tl-wr703n-factory.bin")
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	c, err := compress.LZMA{}.Identify(f, 0x200, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	s := sinktest.NewSink(true)
	end, err := compress.LZMA{}.Extract(context.Background(), f, c, s)
	if err != nil {
		t.Fatal(err)
	}
	if end <= 0x200 || end > 0x11B0A0 {
		t.Errorf("end %#x, want inside the kernel partition", end)
	}
	for name, b := range s.Content {
		if len(b) != 0x35AD84 {
			t.Errorf("%s: %d bytes, header says %d", name, len(b), 0x35AD84)
		}
	}
	t.Logf("kernel LZMA ends at %#x; %s", end, c.Info)
}

// Bombs through the real engine with small budgets: each stops at its budget,
// the manifest says which, and nothing is written outside the root.
func TestEngineBombs(t *testing.T) {
	hs := []extractors.Handler{compress.Gzip{}, compress.XZ{}, compress.Zstd{}, compress.Bzip2{}, compress.LZ4{}}
	limits := engine.DefaultLimits()
	limits.FileBytes, limits.TotalBytes, limits.HandlerTimeout = 16<<20, 64<<20, 30*time.Second
	for _, file := range []string{"bomb.gz", "bomb.xz", "bomb.zst", "bomb.bz2", "bomb.lz4"} {
		t.Run(file, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			start := time.Now()
			m, err := engine.New(hs, limits).Extract(context.Background(), filepath.Join("testdata", file), out)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s to stop", d)
			}
			var limit string
			for _, c := range m.Chunks {
				if c.Limit != "" {
					limit = c.Limit
				}
			}
			if limit != "file-bytes" {
				t.Errorf("limit %q, want file-bytes; chunks %+v", limit, m.Chunks)
			}
			if es, _ := os.ReadDir(dir); len(es) != 1 {
				t.Errorf("temp folder holds %d entries", len(es))
			}
		})
	}
}
