package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fwstar/fwstar/samples"
)

// extractBoth unpacks input with blobs scanned as they grow and without, and
// fails unless both manifests are byte for byte the same. It returns the
// verdicts given to the blobs scanned as they grew, by layer.
func extractBoth(t *testing.T, input string) map[string]bool {
	t.Helper()
	var mu sync.Mutex
	verdicts := map[string]bool{}
	growVerdict = func(layer string, kept bool) {
		mu.Lock()
		verdicts[layer] = kept
		mu.Unlock()
	}
	defer func() { growVerdict = nil }()
	// The manifest and the tree left on disk: a discarded scan leaves nothing.
	manifest := func(workers int) (string, string) { return extractWith(t, input, workers) }
	saved := minGrow
	minGrow = 1 << 62
	usual, usualTree := manifest(0)
	minGrow = saved
	// One worker: the growing blob's scan waits for its writer's chunk.
	for _, workers := range []int{0, 1} {
		grown, grownTree := manifest(workers)
		if grown != usual {
			t.Fatalf("%s, %d workers: manifests differ with and without the scan of growing blobs", filepath.Base(input), workers)
		}
		if grownTree != usualTree {
			t.Fatalf("%s, %d workers: trees on disk differ with and without the scan of growing blobs", filepath.Base(input), workers)
		}
	}
	return verdicts
}

// extractWith unpacks input with so many workers (0: GOMAXPROCS) and returns
// the manifest as JSON and the tree on disk as text.
func extractWith(t *testing.T, input string, workers int) (string, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	e := Default()
	e.Workers = workers
	m, err := e.Extract(context.Background(), input, out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	var tree strings.Builder
	filepath.Walk(out, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			fmt.Fprintf(&tree, "%s %v %d\n", p[len(out):], fi.Mode(), fi.Size())
		}
		return err
	})
	return string(b), tree.String()
}

// withTail writes a copy of src with its last bytes changed or more added.
func withTail(t *testing.T, src string, cut int, tail []byte) string {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(p, append(b[:len(b)-cut], tail...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGrowingBlobScanIsTheUsualScan: a blob scanned while gzip writes it gives
// the manifest a scan of the finished blob gives, whether gzip's size guess
// (the trailer's ISIZE) was right, wrong (trailing bytes read as ISIZE), or
// the stream breaks at its end (ISIZE changed: gzip's check fails).
func TestGrowingBlobScanIsTheUsualScan(t *testing.T) {
	saved := minGrow
	minGrow = 1 << 10 // the committed streams decode to 64 KiB
	defer func() { minGrow = saved }()
	src := filepath.Join("..", "compress", "testdata", "src.bin.gz")
	cases := []struct {
		name  string
		input string
		kept  bool
	}{
		{"right guess", src, true},
		{"trailing bytes", withTail(t, src, 0, []byte{0, 0x10, 0, 0}), false},
		{"ISIZE changed", withTail(t, src, 4, []byte{1, 0, 1, 0}), false},
		{"several members", filepath.Join("..", "compress", "testdata", "multi.gz"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := extractBoth(t, c.input)
			if len(v) != 1 {
				t.Fatalf("verdicts %v, want one", v)
			}
			for layer, kept := range v {
				if kept != c.kept {
					t.Errorf("%s: kept %v, want %v", layer, kept, c.kept)
				}
			}
		})
	}
}

// TestGrowingBlobScanKirkwood: Debian's gzip'd cpio initrd is unpacked while it
// is decompressed, with the same manifest as the usual way.
func TestGrowingBlobScanKirkwood(t *testing.T) {
	if testing.Short() {
		t.Skip("12 MB image, unpacked twice")
	}
	img := samples.Corpus(t, "debian12-kirkwood-initrd.gz")
	const blob = "debian12-kirkwood-initrd.gz@0x0:gzip/debian12-kirkwood-initrd"
	for _, c := range []struct {
		name  string
		input string
		kept  bool
	}{
		{"as shipped", img, true},
		// A 1 MiB guess: the cpio is cut there, then all of it is thrown away.
		{"trailing bytes", withTail(t, img, 0, []byte{0, 0, 0x10, 0}), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := extractBoth(t, c.input)
			if kept, ok := v[blob]; !ok || kept != c.kept {
				t.Errorf("verdicts %v: want %s kept %v", v, blob, c.kept)
			}
		})
	}
}
