// Package hostile runs the hostile-input campaign: every case of the gen
// corpus goes through the real engine with tight budgets, and each run is
// checked for panics, hangs, budget overruns, memory growth and anything
// written outside the output root or through a symlink.
package hostile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/hostile/gen"
	"github.com/fwstar/fwstar/samples"
)

var long = flag.Bool("long", os.Getenv("FWSTAR_HOSTILE_LONG") != "", "run the long hostile campaign (also FWSTAR_HOSTILE_LONG=1)")

// limits are the campaign's budgets: tight, so that every bomb hits one.
func limits() engine.Limits {
	return engine.Limits{
		TotalBytes: 256 << 20, FileBytes: 64 << 20, Ratio: 100, RatioFloor: 1 << 20,
		Files: 100_000, Depth: 12, HandlerTimeout: 20 * time.Second,
	}
}

const (
	// runLimit is the deadline of one whole extraction; a case must return
	// within it plus slack even when a handler ignores its context.
	runLimit = 60 * time.Second
	slack    = 10 * time.Second
	// heapLimit bounds the live heap a case may add (the test's own case
	// bytes included).
	heapLimit = 768 << 20
)

// knownBugs are cases whose BUG lies in a package this campaign may not
// edit; they are skipped with the reason until that package is fixed.
var knownBugs = map[string]string{}

func options() gen.Options {
	if *long {
		return gen.Long()
	}
	return gen.Short()
}

func corpusSeeds(t *testing.T) []gen.Seed {
	ents, err := os.ReadDir(samples.CorpusDir())
	if err != nil {
		t.Logf("no shared corpus (%v): corpus cases skipped", err)
		return nil
	}
	var out []gen.Seed
	for _, e := range ents {
		if e.Name() == "MANIFEST.md" || !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(samples.CorpusDir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, gen.Seed{Name: e.Name(), Family: "corpus", Data: b})
	}
	return out
}

func generator(t testing.TB) *gen.Generator {
	seeds, err := gen.Seeds(samples.Root())
	if err != nil {
		t.Fatal(err)
	}
	return &gen.Generator{Opt: options(), Seeds: seeds, Root: samples.Root()}
}

// stats is the worst case seen per family.
type stats struct {
	Cases, Failed         int
	WorstTime             time.Duration
	WorstTimeCase         string
	WorstHeap, WorstBytes int64
	Kinds                 map[string]int
}

var (
	statsMu sync.Mutex
	byFam   = map[string]*stats{}
)

func record(c gen.Case, d time.Duration, heap, written int64, failed bool) {
	statsMu.Lock()
	defer statsMu.Unlock()
	s := byFam[c.Family]
	if s == nil {
		s = &stats{Kinds: map[string]int{}}
		byFam[c.Family] = s
	}
	s.Cases++
	s.Kinds[c.Kind]++
	if failed {
		s.Failed++
	}
	if d > s.WorstTime {
		s.WorstTime, s.WorstTimeCase = d, c.Name
	}
	s.WorstHeap = max(s.WorstHeap, heap)
	s.WorstBytes = max(s.WorstBytes, written)
}

func TestHostile(t *testing.T) {
	if _, err := os.Lstat(gen.Canary); err == nil {
		t.Fatalf("%s exists before the campaign: remove it (a previous run escaped?)", gen.Canary)
	}
	g := generator(t)
	var corpus []gen.Seed
	if !testing.Short() {
		corpus = corpusSeeds(t)
	}
	cases, err := g.Cases(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 1000 {
		t.Errorf("only %d cases; the campaign promises at least 1,000", len(cases))
	}
	eng := engine.New(engine.Handlers(), limits())
	start := time.Now()
	for _, c := range cases {
		if testing.Short() && c.Big {
			continue
		}
		t.Run(c.Name, func(t *testing.T) { runCase(t, eng, c) })
	}
	t.Logf("%d cases in %s", len(cases), time.Since(start).Round(time.Second))
	report(t)
}

// report logs the per-family table and writes it as JSON to
// $FWSTAR_HOSTILE_REPORT when set (RELIABILITY.md is made from it).
func report(t *testing.T) {
	statsMu.Lock()
	defer statsMu.Unlock()
	fams := make([]string, 0, len(byFam))
	for f := range byFam {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %6s %6s %10s %10s %10s  %s\n", "family", "cases", "failed", "worst-time", "heap-MiB", "bytes-MiB", "kinds")
	for _, f := range fams {
		s := byFam[f]
		fmt.Fprintf(&b, "%-10s %6d %6d %10s %10.1f %10.1f  %v\n", f, s.Cases, s.Failed, s.WorstTime.Round(time.Millisecond),
			float64(s.WorstHeap)/(1<<20), float64(s.WorstBytes)/(1<<20), s.Kinds)
	}
	t.Log("\n" + b.String())
	if p := os.Getenv("FWSTAR_HOSTILE_REPORT"); p != "" {
		j, _ := json.MarshalIndent(byFam, "", "  ")
		if err := os.WriteFile(p, j, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// heapSampler tracks the peak live heap (as of each collection) while a case
// runs; garbage awaiting collection is not memory a case holds.
type heapSampler struct {
	stop chan struct{}
	done chan int64
}

func heapNow() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		peak := heapNow()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				h.done <- max(peak, heapNow())
				return
			case <-tick.C:
				peak = max(peak, heapNow())
			}
		}
	}()
	return h
}

func (h *heapSampler) peak() int64 {
	close(h.stop)
	return <-h.done
}

// tempDir is a fresh folder on /dev/shm when there is one: a case writes up
// to 100k files, which a disk-backed /tmp makes the slowest part of the run.
func tempDir(t testing.TB) string {
	parent := ""
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() && os.Getenv("FWSTAR_HOSTILE_DISK") == "" {
		parent = "/dev/shm"
	}
	d, err := os.MkdirTemp(parent, "fwstar-hostile-")
	if err != nil {
		d = t.TempDir()
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// runCase builds one case, extracts it with the tight budgets and checks it.
func runCase(t *testing.T, eng *engine.Engine, c gen.Case) {
	base := tempDir(t)
	in := filepath.Join(base, "in", "image.bin")
	parent := filepath.Join(base, "work")
	out := filepath.Join(parent, "out")
	for _, d := range []string{filepath.Dir(in), parent} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sentinel := filepath.Join(parent, "sentinel")
	if err := os.WriteFile(sentinel, []byte("must not change"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Build(f); err != nil {
		t.Fatalf("build: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	lim := eng.Limits
	failed := true
	var elapsed time.Duration
	var heap, written int64
	defer func() { record(c, elapsed, heap, written, failed || t.Failed()) }()

	runtime.GC()
	base0 := heapNow()
	hs := sampleHeap()
	ctx, cancel := context.WithTimeout(context.Background(), runLimit)
	defer cancel()
	type result struct {
		m   *engine.Manifest
		err error
	}
	done := make(chan result, 1)
	t0 := time.Now()
	go func() {
		m, err := eng.Extract(ctx, in, out)
		done <- result{m, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(runLimit + slack):
		hs.peak()
		var st strings.Builder
		pprof.Lookup("goroutine").WriteTo(&st, 1)
		t.Fatalf("HANG: extraction still running after %s\n%s", runLimit+slack, st.String())
	}
	elapsed = time.Since(t0)
	heap = max(0, hs.peak()-base0)
	if res.err != nil {
		t.Fatalf("Extract: %v", res.err)
	}
	m := res.m
	j, _ := json.Marshal(m)
	if i := strings.Index(string(j), "BUG:"); i >= 0 {
		msg := string(j[i:min(len(j), i+600)])
		if why, ok := knownBugs[c.Name]; ok {
			t.Skipf("known bug (%s): %s", why, msg)
		}
		t.Errorf("handler panicked: %s", msg)
	}
	if heap > heapLimit {
		t.Errorf("live heap grew by %d MiB (limit %d MiB)", heap>>20, heapLimit>>20)
	}
	written = checkTree(t, out, m, lim)
	checkConfined(t, parent, sentinel, c)
	for _, want := range c.Want {
		if !hasChunk(m, want) {
			t.Errorf("top-level %s chunk no longer reported", want)
		}
	}
	failed = false
}

func hasChunk(m *engine.Manifest, format string) bool {
	for _, ch := range m.Chunks {
		if ch.Parent == m.Input && ch.Format == format && ch.Kind == engine.KindKnown {
			return true
		}
	}
	return false
}

// checkTree walks the output (never following links) against the budgets,
// and checks every manifest entry against what lies on disk: each file was
// written at its own path, never through a symlink, with the recorded bytes.
func checkTree(t *testing.T, out string, m *engine.Manifest, lim engine.Limits) int64 {
	var total, n int64
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n++
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			total += fi.Size()
			if fi.Size() > lim.FileBytes {
				t.Errorf("%s: %d bytes, over the %d per-file budget", p, fi.Size(), lim.FileBytes)
			}
		}
		return nil
	})
	if err != nil {
		t.Errorf("walk: %v", err)
	}
	if total > lim.TotalBytes {
		t.Errorf("%d bytes written, over the %d budget", total, lim.TotalBytes)
	}
	// Entries plus the parent folders the sink makes and one folder per chunk.
	if n > 3*lim.Files {
		t.Errorf("%d names on disk for a %d files budget", n, lim.Files)
	}
	for _, ch := range m.Chunks {
		if ch.Dir == "" {
			continue
		}
		dir := filepath.Join(out, ch.Dir)
		for _, e := range ch.Entries {
			checkEntry(t, dir, e)
		}
	}
	return total
}

func checkEntry(t *testing.T, dir string, e *engine.Entry) {
	if e.Path == "." {
		return
	}
	parts := strings.Split(e.Path, "/")
	p := dir
	for i, part := range parts {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil {
			// A later entry may have replaced an earlier one's parent; what
			// must never be is a write through a link, checked below.
			return
		}
		last := i == len(parts)-1
		if !last && fi.Mode()&fs.ModeSymlink != 0 {
			t.Errorf("entry %q (%s) lies under the symlink %s", e.Path, e.Type, p)
			return
		}
		if !last {
			continue
		}
		switch e.Type {
		case engine.TypeFile, engine.TypeBlob, engine.TypeHardlink:
			if !fi.Mode().IsRegular() {
				// Replaced by a later entry of the same name in the same
				// chunk would have replaced the record too.
				t.Errorf("entry %q (%s) is a %s on disk", e.Path, e.Type, fi.Mode().Type())
				return
			}
			if fi.Size() != e.Size {
				t.Errorf("entry %q: %d bytes on disk, %d recorded", e.Path, fi.Size(), e.Size)
			} else if e.SHA256 != "" && fi.Size() <= 4<<20 {
				if got := fileSHA(t, p); got != e.SHA256 {
					t.Errorf("entry %q: sha256 %s on disk, %s recorded", e.Path, got, e.SHA256)
				}
			}
		case engine.TypeSymlink:
			if fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("entry %q is a symlink in the manifest, a %s on disk", e.Path, fi.Mode().Type())
			} else if got, _ := os.Readlink(p); got != e.Target {
				t.Errorf("symlink %q -> %q on disk, %q recorded", e.Path, got, e.Target)
			}
		case engine.TypeDir:
			if !fi.IsDir() {
				t.Errorf("dir %q is a %s on disk", e.Path, fi.Mode().Type())
			}
		}
	}
}

func fileSHA(t *testing.T, p string) string {
	f, err := os.Open(p)
	if err != nil {
		t.Error(err)
		return ""
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// checkConfined: the output's parent holds only the output and the untouched
// sentinel, and no host path a case aimed at exists.
func checkConfined(t *testing.T, parent, sentinel string, c gen.Case) {
	ents, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != "out" && e.Name() != "sentinel" {
			t.Errorf("ESCAPE: %s created beside the output root", filepath.Join(parent, e.Name()))
		}
	}
	if b, err := os.ReadFile(sentinel); err != nil || string(b) != "must not change" {
		t.Errorf("ESCAPE: sentinel beside the output root changed: %q %v", b, err)
	}
	for _, p := range append([]string{gen.Canary}, c.Escapes...) {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("ESCAPE: %s exists on the host after the case", p)
		}
	}
}
