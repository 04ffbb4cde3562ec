package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/hostile/gen"
)

// fuzzSeeds adds every fixture and crafted case up to 64 KiB: the fuzzer
// starts from real tool output of every format.
func fuzzSeeds(f *testing.F) {
	g := generator(f)
	for _, s := range g.Seeds {
		if len(s.Data) <= 64<<10 {
			f.Add(s.Data)
		}
	}
	crafted, err := g.Crafted()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range crafted {
		if c.Big {
			continue
		}
		var b bytes.Buffer
		if err := c.Build(&b); err == nil && b.Len() <= 64<<10 {
			f.Add(b.Bytes())
		}
	}
}

// tinyLimits keep one fuzz execution to milliseconds and megabytes.
func tinyLimits() engine.Limits {
	return engine.Limits{TotalBytes: 8 << 20, FileBytes: 4 << 20, Ratio: 100, RatioFloor: 256 << 10,
		Files: 2000, Depth: 6, HandlerTimeout: 2 * time.Second}
}

// FuzzEngine runs the whole engine on arbitrary bytes in a memory-backed
// folder: no handler may panic, the run must end in time, stay within the
// budgets and write nothing beside its output root.
func FuzzEngine(f *testing.F) {
	fuzzSeeds(f)
	eng := engine.New(engine.Handlers(), tinyLimits())
	eng.Workers = 1
	f.Fuzz(func(t *testing.T, data []byte) {
		base := tempDir(t)
		in := filepath.Join(base, "image.bin")
		parent := filepath.Join(base, "work")
		out := filepath.Join(parent, "out")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(parent, 0o755)
		sentinel := filepath.Join(parent, "sentinel")
		os.WriteFile(sentinel, []byte("must not change"), 0o644)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		t0 := time.Now()
		m, err := eng.Extract(ctx, in, out)
		if d := time.Since(t0); d > 15*time.Second {
			t.Errorf("extraction took %s", d)
		}
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(m)
		if i := bytes.Index(j, []byte("BUG:")); i >= 0 {
			t.Fatalf("panic: %s", j[i:min(len(j), i+800)])
		}
		checkTree(t, out, m, eng.Limits)
		checkConfined(t, parent, sentinel, gen.Case{})
	})
}

// probe wraps a real handler for FuzzSignatures: Identify runs for real and is
// checked, Extract writes nothing, so the fuzzer spends its time in the
// engine's signature pass and in every Identify.
type probe struct {
	extractors.Handler
	mu    *sync.Mutex
	fails *[]string
}

func (p probe) fail(format string, args ...any) {
	p.mu.Lock()
	*p.fails = append(*p.fails, fmt.Sprintf(format, args...))
	p.mu.Unlock()
}

func (p probe) Identify(r io.ReaderAt, off, size int64) (c extractors.Chunk, err error) {
	// The engine hands Identify a chunk start where one of the handler's
	// magics lies at its offset (hints aside, which these runs have none of
	// outside a header's own chunk).
	hit := false
	for _, m := range p.Magics() {
		b := make([]byte, len(m.Bytes))
		if n, _ := r.ReadAt(b, off+m.Offset); n == len(b) && bytes.Equal(b, m.Bytes) {
			hit = true
		}
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	c, err = p.Handler.Identify(r, off, size)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if a := after.TotalAlloc - before.TotalAlloc; a > 8<<20 && a > 2*uint64(size) {
		p.fail("%s: Identify at 0x%X of a %d-byte blob allocated %d bytes", p.Name(), off, size, a)
	}
	if err != nil {
		return c, err
	}
	if !hit && len(c.Hints) == 0 {
		// Only a hint can lead here without a magic; hints come from chunks
		// this probe never extracts, so this is a misplaced candidate.
		p.fail("%s: Identify called at 0x%X where none of its magics lies", p.Name(), off)
	}
	if c.Start != off || (c.End != -1 && (c.End <= c.Start || c.End > size)) {
		p.fail("%s: bad chunk [%d,%d) at 0x%X of %d bytes", p.Name(), c.Start, c.End, off, size)
	}
	return c, nil
}

func (p probe) Extract(_ context.Context, r io.ReaderAt, c extractors.Chunk, _ extractors.Sink) (int64, error) {
	if c.End > 0 {
		return c.End, nil
	}
	return c.Start + 1, nil
}

// FuzzSignatures runs the engine's single signature pass and every handler's
// Identify on arbitrary bytes: candidates only where a magic lies, valid
// chunks, no panic, no allocation sized by the input's claims.
func FuzzSignatures(f *testing.F) {
	fuzzSeeds(f)
	var mu sync.Mutex
	var fails []string
	var hs []extractors.Handler
	for _, h := range engine.Handlers() {
		hs = append(hs, probe{Handler: h, mu: &mu, fails: &fails})
	}
	eng := engine.New(hs, tinyLimits())
	eng.Workers = 1
	f.Fuzz(func(t *testing.T, data []byte) {
		base := tempDir(t)
		in := filepath.Join(base, "image.bin")
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		fails = fails[:0]
		mu.Unlock()
		m, err := eng.Extract(context.Background(), in, filepath.Join(base, "out"))
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(m)
		if i := bytes.Index(j, []byte("BUG:")); i >= 0 {
			t.Fatalf("panic: %s", j[i:min(len(j), i+800)])
		}
		mu.Lock()
		defer mu.Unlock()
		if len(fails) > 0 {
			t.Fatal(strings.Join(fails, "\n"))
		}
		// The chunks of the blob tile it: no overlap, no gap.
		pos := int64(0)
		for _, c := range topLevel(m) {
			if c.Offset != pos {
				t.Fatalf("chunk %s starts at %d, the previous ended at %d", c.Layer, c.Offset, pos)
			}
			pos = c.Offset + c.Size
		}
		if pos != int64(len(data)) && len(data) > 0 {
			t.Fatalf("chunks end at %d of %d bytes", pos, len(data))
		}
	})
}

// topLevel returns the chunks of the input blob by offset.
func topLevel(m *engine.Manifest) []*engine.Chunk {
	var out []*engine.Chunk
	for _, c := range m.Chunks {
		if c.Parent == m.Input {
			out = append(out, c)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Offset < out[j-1].Offset; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
