package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/report"
)

// client makes a River client that works scan jobs with o's settings.
func (d *DB) client(o *Options) (queue, error) {
	workers := river.NewWorkers()
	slots := make(chan int, o.Workers)
	for i := range o.Workers {
		slots <- i
	}
	if err := river.AddWorkerSafely(workers, &scanWorker{db: d, o: o, slots: slots}); err != nil {
		return nil, err
	}
	return d.newClient(clientConfig(o, workers))
}

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	db    *DB
	o     *Options
	slots chan int
}

// storeTimeout bounds a results write that must outlive the job's context.
const storeTimeout = 30 * time.Second

func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	a := job.Args
	rules, tool := analyzer.RulesVersion, analyzer.Version
	if r, ok, err := w.db.result(ctx, a.SHA256, rules); err != nil {
		return err
	} else if ok && r.Status == Done && r.ToolVersion == tool {
		return nil // an earlier attempt committed it before its job completed
	}
	slot := <-w.slots
	defer func() { w.slots <- slot }()

	// Results are written even when the job's context has just ended: a
	// finished scan is kept, an interrupted one goes back to the queue.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	defer cancel()
	res := &Result{SHA256: a.SHA256, RulesVersion: rules, ToolVersion: tool, Name: filepath.Base(a.Path), Path: a.Path,
		Status: Running, Attempts: job.Attempt, Worker: w.o.ID, QueuedAt: job.CreatedAt, StartedAt: time.Now(),
		Counts: map[string]int{}, Blocking: []string{}}
	if err := w.db.start(wctx, a.SHA256, rules, w.o.ID, job.Attempt, res.StartedAt); err != nil {
		return err
	}
	if w.o.Events.Start != nil {
		w.o.Events.Start(slot, a.Path)
	}
	err := w.scan(ctx, res, slot)
	res.FinishedAt = time.Now()
	res.ScanTime = Duration(res.FinishedAt.Sub(res.StartedAt))
	res.PeakRSS = peakRSS()
	var cancelJob bool
	switch {
	case err == nil:
		res.Status = Done
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		// Another try would time out as well.
		err = fmt.Errorf("image timeout (%s) exceeded", w.o.ImageTimeout)
		cancelJob = true
	case ctx.Err() != nil:
		// The worker is stopping: River makes the job available again.
		if serr := w.db.setStatus(wctx, a.SHA256, rules, Queued, "", time.Time{}); serr != nil {
			return serr
		}
		return ctx.Err()
	case errors.Is(err, errChanged):
		cancelJob = true
	}
	if err != nil {
		res.Status, res.Error = Failed, err.Error()
	}
	if ferr := w.db.finish(wctx, res, res.keys); ferr != nil {
		return ferr
	}
	final := err == nil || cancelJob || job.Attempt >= job.MaxAttempts
	if ev := w.o.Events; final && ev.Done != nil {
		ev.Done(slot, res)
	} else if !final && ev.Retry != nil {
		ev.Retry(slot, res)
	}
	if cancelJob {
		return river.JobCancel(err)
	}
	return err
}

var errChanged = errors.New("image changed since it was submitted")

// scan verifies the image's content, scans it and fills res.
func (w *scanWorker) scan(ctx context.Context, res *Result, slot int) error {
	sum, size, err := hashFile(ctx, res.Path)
	if err != nil {
		return err
	}
	res.Size = size
	if sum != res.SHA256 {
		return fmt.Errorf("%w (sha256 now %s)", errChanged, sum)
	}
	stage := func(s string) {
		if w.o.Events.Stage != nil {
			w.o.Events.Stage(slot, s)
		}
	}
	r, err := safeScan(ctx, w.o.Scan, res.Path, stage)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err // a partial report of a timed-out image is not a result
	}
	res.keys = keysOf(r)
	for sev, n := range r.Counts() {
		res.Counts[sev.String()] = n
	}
	if star := r.Star1(); star != nil {
		res.Blocking = append(res.Blocking, star.Blocking...)
	}
	red := r.Redact()
	b, err := json.Marshal(red)
	if err != nil {
		return err
	}
	res.Report = string(b)
	if w.o.OutDir != "" {
		res.File = ReportBase(res.SHA256, res.Name)
		if err := writeReports(w.o.OutDir, res.File, red, w.o.Lang); err != nil {
			return err
		}
	}
	return nil
}

// safeScan turns a panic in a pass into the image's error, so that it is
// recorded like any other failure and the worker goes on.
func safeScan(ctx context.Context, scan ScanFunc, path string, stage func(string)) (r *report.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 4096)
			buf = buf[:runtime.Stack(buf, false)]
			r, err = nil, fmt.Errorf("panic: %v\n%s", p, buf)
		}
	}()
	return scan(ctx, path, stage)
}

// ReportBase names an image's report files: the sha256 prefix keeps two
// images of the same name apart, the name keeps the folder readable.
func ReportBase(sha, name string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f || r == ':' {
			return '_'
		}
		return r
	}, name)
	return sha[:min(12, len(sha))] + "-" + clean
}

// writeReports writes base.json and base.html into dir, each through a
// temporary file so that a crash never leaves half a report.
func writeReports(dir, base string, r *report.Report, lang string) error {
	for _, format := range []string{"json", "html"} {
		rd, err := report.Lookup(format)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := rd.Render(&buf, r, report.Options{Lang: lang}); err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(dir, base+"."+format), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func writeAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}
