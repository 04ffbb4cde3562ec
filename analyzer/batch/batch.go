// Package batch scans many firmware images: on one machine with a bounded
// pool of workers and a SQLite results store, or on many machines sharing a
// PostgreSQL database. Both run the same River job queue: a job is an image
// (path and sha256); a worker verifies the content, scans it with its own
// budgets and wall-time limit, and commits the result (one per sha256 and
// rules version) before the job completes, so that an interrupted batch
// loses nothing already finished and a re-run does only what is left.
package batch

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"golang.org/x/sync/errgroup"

	"github.com/fwstar/fwstar/analyzer"
	"github.com/fwstar/fwstar/analyzer/report"
	"github.com/fwstar/fwstar/extractors/engine"
)

// ScanFunc scans one image; stage is told each pipeline stage.
type ScanFunc func(ctx context.Context, path string, stage func(string)) (*report.Report, error)

// Events are progress callbacks; each may be nil. Slot numbers a worker of
// this process (0 to Workers-1) for per-worker progress display.
type Events struct {
	Queued func(images, jobs int) // after submission: images given, scans to run
	Start  func(slot int, path string)
	Stage  func(slot int, stage string)
	Done   func(slot int, r *Result) // done, or failed for the last time
	Retry  func(slot int, r *Result) // failed; another attempt will follow
}

// Options configure a batch or a worker process.
type Options struct {
	Workers      int           // images scanned at once in this process; 0 means GOMAXPROCS
	ImageTimeout time.Duration // wall time of one image; 0 means 30 minutes
	// RescueAfter hands a job whose worker vanished to another one; it must
	// exceed ImageTimeout. 0 means ImageTimeout plus one minute.
	RescueAfter time.Duration
	MaxAttempts int    // tries of one image; 0 means 3
	OutDir      string // each image's report (JSON and HTML) is written there when set
	Lang        string // HTML report language: en or ja
	Engine      *engine.Engine
	Scan        ScanFunc // nil means analyzer.Scan with Engine
	Events      Events
	Logger      *slog.Logger // River's own log; nil discards it
	ID          string       // this worker's name in the results; default host-pid
}

func (o *Options) defaults() {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.ImageTimeout <= 0 {
		o.ImageTimeout = 30 * time.Minute
	}
	if o.RescueAfter < o.ImageTimeout {
		o.RescueAfter = o.ImageTimeout + time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 3
	}
	if o.ID == "" {
		host, _ := os.Hostname()
		o.ID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if o.Scan == nil {
		eng := engine.Default()
		if o.Engine != nil {
			c := *o.Engine
			eng = &c
		}
		// The cores are already shared between the batch's workers; one
		// image should not also fan out over all of them.
		if eng.Workers == 0 {
			eng.Workers = max(1, runtime.GOMAXPROCS(0)/o.Workers)
		}
		o.Scan = func(ctx context.Context, path string, stage func(string)) (*report.Report, error) {
			return analyzer.Scan(ctx, path, analyzer.Options{Engine: eng, Stage: stage})
		}
	}
}

// Summary is what a batch did and where each image stands.
type Summary struct {
	Images  []Image   `json:"images"`
	Jobs    int       `json:"jobs"`    // scans this run had to do
	Skipped int       `json:"skipped"` // images already done
	Results []*Result `json:"results"` // one per distinct image content
	Shared  []Shared  `json:"shared"`
	Elapsed Duration  `json:"elapsed"`
}

// Failed counts the images whose scan failed.
func (s *Summary) Failed() int {
	n := 0
	for _, r := range s.Results {
		if r.Status != Done {
			n++
		}
	}
	return n
}

// Run scans images on this machine, with the queue and results in db (a
// SQLite file this process owns). It returns when every image has a result
// or ctx ends; either way, finished results are already committed.
func Run(ctx context.Context, db *DB, paths []string, o Options) (*Summary, error) {
	o.defaults()
	start := time.Now()
	if db.local {
		// Jobs left by an interrupted run are stale: this run re-queues
		// whatever has no result.
		if err := db.requeueStale(ctx); err != nil {
			return nil, err
		}
		if _, err := db.db.ExecContext(ctx, `DELETE FROM river_job`); err != nil {
			return nil, err
		}
	}
	ims, err := HashAll(ctx, paths, o.Workers)
	if err != nil {
		return nil, err
	}
	client, err := db.client(&o)
	if err != nil {
		return nil, err
	}
	final, cancelSub := client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed, river.EventKindJobCancelled)
	defer cancelSub()
	jobs, err := db.submit(ctx, client, ims)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Images: ims, Jobs: jobs, Skipped: len(ims) - jobs}
	if o.Events.Queued != nil {
		o.Events.Queued(len(ims), jobs)
	}
	if jobs > 0 {
		if err := client.Start(ctx); err != nil {
			return nil, err
		}
		err = wait(ctx, final, jobs)
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		if serr := client.StopAndCancel(stopCtx); err == nil {
			err = serr
		}
		cancel()
		if err != nil {
			return sum, err
		}
	}
	if err := db.summarize(ctx, sum, ims); err != nil {
		return sum, err
	}
	sum.Elapsed = Duration(time.Since(start))
	return sum, nil
}

// wait returns when n jobs reached a final state.
func wait(ctx context.Context, events <-chan *river.Event, n int) error {
	for n > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-events:
			if !ok {
				return errors.New("river: event subscription closed")
			}
			switch ev.Job.State {
			case rivertype.JobStateCompleted, rivertype.JobStateCancelled, rivertype.JobStateDiscarded:
				n--
			}
		}
	}
	return nil
}

// Submit queues images for the workers sharing db, skipping those already
// done with this tool and rules version. It returns the images and the
// number of jobs queued.
func Submit(ctx context.Context, db *DB, paths []string, workers int) ([]Image, int, error) {
	ims, err := HashAll(ctx, paths, max(1, workers))
	if err != nil {
		return nil, 0, err
	}
	// An insert-only client: it works no job.
	client, err := db.newClient(&river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, 0, err
	}
	n, err := db.submit(ctx, client, ims)
	return ims, n, err
}

func (d *DB) submit(ctx context.Context, client queue, ims []Image) (int, error) {
	now := time.Now()
	var params []river.InsertManyParams
	seen := map[string]bool{}
	for _, im := range ims {
		if err := d.putImage(ctx, im, now); err != nil {
			return 0, err
		}
		if seen[im.SHA256] {
			continue // the same bytes under another name: one scan
		}
		seen[im.SHA256] = true
		need, err := d.queue(ctx, im, filepath.Base(im.Path), analyzer.RulesVersion, analyzer.Version, now)
		if err != nil {
			return 0, err
		}
		if need {
			params = append(params, river.InsertManyParams{Args: ScanArgs{Path: im.Path, SHA256: im.SHA256}})
		}
	}
	if len(params) == 0 {
		return 0, nil
	}
	if _, err := client.InsertMany(ctx, params); err != nil {
		return 0, fmt.Errorf("queue: %w", err)
	}
	return len(params), nil
}

// Serve works jobs from db until ctx ends; jobs it holds then go back to
// the queue at once (River's interruption) for another worker.
func Serve(ctx context.Context, db *DB, o Options) error {
	o.defaults()
	client, err := db.client(&o)
	if err != nil {
		return err
	}
	if err := client.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	return client.StopAndCancel(stopCtx)
}

// Collect expands batch arguments into image paths: a folder gives its
// regular files (hidden ones and skip excepted), any other argument is a
// list file with one path a line ('#' starts a comment; relative paths are
// relative to the list). With lists false, files are images themselves and
// "@FILE" names a list.
func Collect(args []string, lists bool, skip string) ([]string, error) {
	var out []string
	if skip != "" {
		skip, _ = filepath.Abs(skip)
	}
	for _, a := range args {
		list := strings.HasPrefix(a, "@") && !lists
		if list {
			a = a[1:]
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		switch {
		case st.IsDir():
			err := filepath.WalkDir(a, func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				abs, _ := filepath.Abs(p)
				if p != a && (strings.HasPrefix(e.Name(), ".") || abs == skip) {
					if e.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if e.Type().IsRegular() {
					out = append(out, abs)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		case lists || list:
			l, err := readList(a)
			if err != nil {
				return nil, err
			}
			out = append(out, l...)
		default:
			abs, _ := filepath.Abs(a)
			out = append(out, abs)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no images given")
	}
	return out, nil
}

func readList(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base := filepath.Dir(name)
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(base, line)
		}
		abs, _ := filepath.Abs(line)
		out = append(out, abs)
	}
	return out, sc.Err()
}

// HashAll reads each image's sha256, n at a time.
func HashAll(ctx context.Context, paths []string, n int) ([]Image, error) {
	ims := make([]Image, len(paths))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(n)
	for i, p := range paths {
		g.Go(func() error {
			sum, size, err := hashFile(ctx, p)
			ims[i] = Image{Path: p, SHA256: sum, Size: size}
			return err
		})
	}
	return ims, g.Wait()
}

func hashFile(ctx context.Context, path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, f})
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops a long read when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
