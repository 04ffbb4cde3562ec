package batch

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/samples"
)

// copyImage writes a copy of src with a distinct trailer (flash padding
// does the same to real images), so that each copy is its own job.
func copyImage(t *testing.T, src, dst, trailer string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, append(b, trailer...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// testImages puts the demo image, the corpus images that are present and
// n altered copies of the demo into a folder.
func testImages(t *testing.T, copies int, corpus ...string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	demo := filepath.Join(samples.Root(), "samples", "demo-router.bin")
	copyImage(t, demo, filepath.Join(dir, "demo-router.bin"), "")
	n := 1
	for i := range copies {
		copyImage(t, demo, filepath.Join(dir, "demo-copy-"+string(rune('a'+i))+".bin"), "fwstar batch copy "+string(rune('a'+i)))
		n++
	}
	for _, name := range corpus {
		p := filepath.Join(samples.CorpusDir(), name)
		if _, err := os.Stat(p); err != nil {
			t.Logf("corpus image %s absent: batch runs without it", name)
			continue
		}
		copyImage(t, p, filepath.Join(dir, name), "")
		n++
	}
	return dir, n
}

// counting wraps the real scan and counts the scans performed.
func counting(n *atomic.Int32) ScanFunc {
	return func(ctx context.Context, path string, stage func(string)) (*report.Report, error) {
		n.Add(1)
		return analyzer.Scan(ctx, path, analyzer.Options{Stage: stage})
	}
}

func openDB(t *testing.T, out string) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(out, "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

func TestBatchWorkers(t *testing.T) {
	in, n := testImages(t, 2, "licheepi-nano-rootfs.jffs2", "iotctf2020-web2.squashfs")
	paths, err := Collect([]string{in}, true, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		out := t.TempDir()
		var scans atomic.Int32
		var mu sync.Mutex
		slots := map[int]bool{}
		o := Options{Workers: workers, OutDir: out, Scan: counting(&scans), Events: Events{Start: func(slot int, _ string) {
			mu.Lock()
			slots[slot] = true
			mu.Unlock()
		}}}
		sum, err := Run(context.Background(), openDB(t, out), paths, o)
		if err != nil {
			t.Fatalf("workers %d: %v", workers, err)
		}
		if int(scans.Load()) != n || sum.Jobs != n || sum.Skipped != 0 || len(sum.Results) != n || sum.Failed() != 0 {
			t.Fatalf("workers %d: %d scans, %d jobs, %d skipped, %d results, %d failed; want %d scans and results",
				workers, scans.Load(), sum.Jobs, sum.Skipped, len(sum.Results), sum.Failed(), n)
		}
		for s := range slots {
			if s < 0 || s >= workers {
				t.Errorf("worker slot %d out of range for %d workers", s, workers)
			}
		}
		for _, r := range sum.Results {
			want := ReportBase(r.SHA256, r.Name)
			if r.File != want {
				t.Errorf("%s: report file %q, want %q", r.Name, r.File, want)
			}
			for _, ext := range []string{".json", ".html"} {
				if _, err := os.Stat(filepath.Join(out, want+ext)); err != nil {
					t.Error(err)
				}
			}
			if r.Name == "demo-router.bin" {
				// The demo's planted flaws: a login without password and a
				// plain-HTTP update block ★1 (samples/README.md).
				for _, c := range []string{"S1.1-01", "S1.1-08"} {
					if !strings.Contains(strings.Join(r.Blocking, ","), c) {
						t.Errorf("demo: blocking %v lacks %s", r.Blocking, c)
					}
				}
			}
		}
		if err := WriteSummary(out, sum, "ja"); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(out, "summary.csv"))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(recs) != n+1 {
			t.Fatalf("summary.csv: %d records (%v), want %d", len(recs), err, n+1)
		}
		html, _ := os.ReadFile(filepath.Join(out, "summary.html"))
		if !strings.Contains(string(html), "一括スキャンの概要") || strings.Count(string(html), `.html">HTML</a>`) != n {
			t.Errorf("summary.html lacks the Japanese title or a link per image")
		}
	}
}

func TestResumeAfterInterrupt(t *testing.T) {
	in, n := testImages(t, 3)
	paths, err := Collect([]string{in}, true, "")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	db := openDB(t, out)

	// First run: stop as soon as one image is done, like Ctrl-C.
	ctx, cancel := context.WithCancel(context.Background())
	var first atomic.Int32
	_, err = Run(ctx, db, paths, Options{Workers: 1, OutDir: out, Scan: counting(&first),
		Events: Events{Done: func(int, *Result) { cancel() }}})
	cancel()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v, want context.Canceled", err)
	}
	rs, err := db.results(context.Background(), analyzer.RulesVersion)
	if err != nil {
		t.Fatal(err)
	}
	done := 0
	for _, r := range rs {
		if r.Status == Done {
			done++
		} else if r.Status != Queued {
			t.Errorf("%s left %s by the interruption, want queued", r.Name, r.Status)
		}
	}
	if done < 1 || done >= n {
		t.Fatalf("%d of %d images done after the interruption", done, n)
	}

	// Second run: only what is left.
	var second atomic.Int32
	sum, err := Run(context.Background(), db, paths, Options{Workers: 1, OutDir: out, Scan: counting(&second)})
	if err != nil {
		t.Fatal(err)
	}
	if int(second.Load()) != n-done || sum.Skipped != done || sum.Failed() != 0 || len(sum.Results) != n {
		t.Fatalf("second run: %d scans, %d skipped, %d failed, %d results; want %d scans after %d done",
			second.Load(), sum.Skipped, sum.Failed(), len(sum.Results), n-done, done)
	}

	// A third run has nothing to do; after one image changes, only it.
	var third atomic.Int32
	if sum, err = Run(context.Background(), db, paths, Options{Workers: 2, OutDir: out, Scan: counting(&third)}); err != nil || third.Load() != 0 || sum.Skipped != n {
		t.Fatalf("unchanged re-run: %d scans, %d skipped (%v)", third.Load(), sum.Skipped, err)
	}
	changed := filepath.Join(in, "demo-copy-a.bin")
	copyImage(t, filepath.Join(samples.Root(), "samples", "demo-router.bin"), changed, "rebuilt")
	sum, err = Run(context.Background(), db, paths, Options{Workers: 2, OutDir: out, Scan: counting(&third)})
	if err != nil || third.Load() != 1 || sum.Skipped != n-1 || len(sum.Results) != n {
		t.Fatalf("after a change: %d scans, %d skipped, %d results (%v); want 1 scan", third.Load(), sum.Skipped, len(sum.Results), err)
	}
}

// A hostile image that never finishes costs one worker its time limit and
// nothing more: the other images complete.
func TestImageTimeout(t *testing.T) {
	in, n := testImages(t, 1)
	hostile := copyImage(t, filepath.Join(samples.Root(), "samples", "demo-router.bin"), filepath.Join(in, "hostile.bin"), "hang")
	paths, _ := Collect([]string{in}, true, "")
	out := t.TempDir()
	scan := func(ctx context.Context, path string, stage func(string)) (*report.Report, error) {
		if path == hostile {
			<-ctx.Done() // a parser stuck until the deadline
			return nil, ctx.Err()
		}
		return analyzer.Scan(ctx, path, analyzer.Options{Stage: stage})
	}
	start := time.Now()
	sum, err := Run(context.Background(), openDB(t, out), paths, Options{Workers: 2, ImageTimeout: 15 * time.Second, Scan: scan})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Results) != n+1 || sum.Failed() != 1 {
		for _, r := range sum.Results {
			t.Log(r.Name, r.Status, r.Error)
		}
		t.Fatalf("%d results, %d failed; want %d and 1", len(sum.Results), sum.Failed(), n+1)
	}
	for _, r := range sum.Results {
		if (r.Path == hostile) != (r.Status == Failed) {
			t.Errorf("%s: %s %s", r.Name, r.Status, r.Error)
		}
		if r.Path == hostile && (!strings.Contains(r.Error, "image timeout") || r.Attempts != 1) {
			t.Errorf("hostile image: %q after %d attempts; want a timeout, not retried", r.Error, r.Attempts)
		}
	}
	if el := time.Since(start); el > 2*time.Minute {
		t.Errorf("batch took %s", el)
	}
}

func TestCollect(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a.bin", "sub/b.img", ".hidden/c.bin", ".d.bin", "out/report.json"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(p), 0o644)
	}
	got, err := Collect([]string{dir}, true, filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.bin"), filepath.Join(dir, "sub", "b.img")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("folder: %v, want %v", got, want)
	}
	list := filepath.Join(dir, "list.txt")
	os.WriteFile(list, []byte("# lab batch\na.bin\n\n  sub/b.img  \n/abs/x.bin\n"), 0o644)
	got, err = Collect([]string{list}, true, "")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, "/abs/x.bin")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("list: %v, want %v", got, want)
	}
	if got, _ = Collect([]string{"@" + list, filepath.Join(dir, "a.bin")}, false, ""); len(got) != 4 {
		t.Errorf("submit arguments: %v", got)
	}
}

// BenchmarkBatch scans the demo image and altered copies (plus the corpus
// when present) with 1 and 2 workers, from an empty store each time.
func BenchmarkBatch(b *testing.B) {
	dir := b.TempDir()
	demo := filepath.Join(samples.Root(), "samples", "demo-router.bin")
	src, _ := os.ReadFile(demo)
	var paths []string
	for i := range 6 {
		p := filepath.Join(dir, "demo-"+string(rune('a'+i))+".bin")
		os.WriteFile(p, append(src, byte(i)), 0o644)
		paths = append(paths, p)
	}
	for _, workers := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+workers)), func(b *testing.B) {
			for b.Loop() {
				out := b.TempDir()
				db, err := Open(context.Background(), filepath.Join(out, "batch.db"))
				if err != nil {
					b.Fatal(err)
				}
				sum, err := Run(context.Background(), db, paths, Options{Workers: workers, OutDir: out})
				db.Close()
				if err != nil || sum.Failed() != 0 {
					b.Fatalf("%v, %d failed", err, sum.Failed())
				}
			}
			b.ReportMetric(float64(len(paths))*float64(b.N)/b.Elapsed().Minutes(), "images/min")
		})
	}
}
