package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/fwstar/fwstar/analyzer/batch"
	"github.com/fwstar/fwstar/extractors/engine"
)

// workerFlags binds the options shared by batch and worker.
func workerFlags(cmd *cobra.Command, o *batch.Options) {
	f := cmd.Flags()
	f.IntVar(&o.Workers, "workers", 0, "images scanned at once by this process (default: the number of CPUs)")
	f.DurationVar(&o.ImageTimeout, "image-timeout", 30*time.Minute, "wall time allowed to one image")
	f.DurationVar(&o.RescueAfter, "rescue-after", 0, "hand a job to another worker when its worker has been silent this long (default: image timeout + 1m)")
	f.IntVar(&o.MaxAttempts, "max-attempts", 3, "tries of one image before it is recorded as failed")
	f.StringVar(&o.Lang, "lang", "en", "report language: en or ja")
}

func newBatchCmd() *cobra.Command {
	var out string
	o := batch.Options{Engine: engine.Default()}
	cmd := &cobra.Command{
		Use:   "batch DIR|LISTFILE... -o OUTDIR",
		Short: "Scan many images on this machine; resumable, with a summary and cross-image correlation",
		Long: `Batch scans every regular file of DIR (or every path listed in LISTFILE, one a
line) with a pool of workers. OUTDIR receives each image's report (JSON and
HTML, named by sha256 prefix and name), summary.html, summary.csv and
batch.db (SQLite: status, timings, counts, JC-STAR ★1 blocking criteria and
the JSON report of each image, plus the job queue).

Re-running the same command skips images already done unless their content,
the rules version or the fwstar version changed; an interrupted batch loses
nothing already finished.

Exit codes: 0 every image scanned; 3 some images could not be scanned;
2 usage error; 4 internal error or interrupted.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return &exitError{exitUsage, errors.New("batch needs -o OUTDIR")}
			}
			if o.Lang != "en" && o.Lang != "ja" {
				return &exitError{exitUsage, errors.New("--lang must be en or ja")}
			}
			paths, err := batch.Collect(args, true, out)
			if err != nil {
				return &exitError{exitInput, err}
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return &exitError{exitInternal, err}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			db, err := batch.Open(ctx, filepath.Join(out, "batch.db"))
			if err != nil {
				return &exitError{exitInternal, err}
			}
			defer db.Close()
			o.OutDir = out
			stderr := cmd.ErrOrStderr()
			prog := newBatchProgress(ctx, stderr, o.Workers)
			o.Events = prog.events()
			// River's own warnings (a job that errored outside the scan).
			o.Logger = slog.New(slog.NewTextHandler(prog.writer(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			sum, err := batch.Run(ctx, db, paths, o)
			prog.close()
			if err != nil {
				if ctx.Err() != nil {
					return &exitError{exitInternal, errors.New("interrupted; finished images are kept, run the same command again to scan the rest")}
				}
				return &exitError{exitInternal, err}
			}
			if err := batch.WriteSummary(out, sum, o.Lang); err != nil {
				return &exitError{exitInternal, err}
			}
			fmt.Fprintf(stderr, "fwstar: batch of %d images (%d scanned, %d already done) in %s: %d failed, %d keys shared across images; summary: %s\n",
				len(sum.Images), sum.Jobs, sum.Skipped, time.Duration(sum.Elapsed).Round(time.Millisecond), sum.Failed(), len(sum.Shared),
				filepath.Join(out, "summary.html"))
			if n := sum.Failed(); n > 0 {
				return &exitError{exitInput, fmt.Errorf("%d images could not be scanned (see summary.csv)", n)}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "output folder (reports, summary, batch.db)")
	workerFlags(cmd, &o)
	limitFlags(cmd, &o.Engine.Limits)
	return cmd
}

func newSubmitCmd() *cobra.Command {
	var dsn string
	cmd := &cobra.Command{
		Use:   "submit --db postgres://… PATH...",
		Short: "Queue images (files, folders or @LISTFILE on storage every worker sees) for fwstar worker",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dsn == "" {
				return &exitError{exitUsage, errors.New("submit needs --db")}
			}
			paths, err := batch.Collect(args, false, "")
			if err != nil {
				return &exitError{exitInput, err}
			}
			db, err := batch.Open(cmd.Context(), dsn)
			if err != nil {
				return &exitError{exitInternal, err}
			}
			defer db.Close()
			ims, n, err := batch.Submit(cmd.Context(), db, paths, 0)
			if err != nil {
				return &exitError{exitInternal, err}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "fwstar: %d images submitted: %d queued, %d already done or in progress\n", len(ims), n, len(ims)-n)
			return nil
		},
	}
	cmd.Flags().StringVar(&dsn, "db", "", "queue and results: postgres:// URL (or a SQLite file)")
	return cmd
}

func newWorkerCmd() *cobra.Command {
	var dsn string
	o := batch.Options{Engine: engine.Default()}
	cmd := &cobra.Command{
		Use:   "worker --db postgres://…",
		Short: "Scan queued images until stopped (SIGINT/SIGTERM); run any number of them, on any machine",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dsn == "" {
				return &exitError{exitUsage, errors.New("worker needs --db")}
			}
			if o.OutDir != "" {
				if err := os.MkdirAll(o.OutDir, 0o755); err != nil {
					return &exitError{exitInternal, err}
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			db, err := batch.Open(ctx, dsn)
			if err != nil {
				return &exitError{exitInternal, err}
			}
			defer db.Close()
			stderr := cmd.ErrOrStderr()
			o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
			prog := &logProgress{w: stderr}
			o.Events = prog.events()
			fmt.Fprintf(stderr, "fwstar: worker %s waiting for jobs\n", workerID(o.ID))
			if err := batch.Serve(ctx, db, o); err != nil && ctx.Err() == nil {
				return &exitError{exitInternal, err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dsn, "db", "", "queue and results: postgres:// URL (or a SQLite file)")
	cmd.Flags().StringVarP(&o.OutDir, "output", "o", "", "also write each image's report (JSON and HTML) into this folder")
	cmd.Flags().StringVar(&o.ID, "id", "", "this worker's name in the results (default: host-pid)")
	workerFlags(cmd, &o)
	limitFlags(cmd, &o.Engine.Limits)
	return cmd
}

func workerID(id string) string {
	if id != "" {
		return id
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

func newResultsCmd() *cobra.Command {
	var dsn, format, summary, lang string
	cmd := &cobra.Command{
		Use:   "results --db postgres://…|OUTDIR/batch.db",
		Short: "List each image's status, ★1 blocking criteria and finding counts; optionally write the batch summary",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dsn == "" {
				return &exitError{exitUsage, errors.New("results needs --db")}
			}
			if format != "table" && format != "csv" && format != "json" {
				return &exitError{exitUsage, errors.New("--format must be table, csv or json")}
			}
			if !batch.IsPostgres(dsn) {
				if _, err := os.Stat(dsn); err != nil {
					return &exitError{exitInput, err}
				}
			}
			db, err := batch.Open(cmd.Context(), dsn)
			if err != nil {
				return &exitError{exitInternal, err}
			}
			defer db.Close()
			sum, err := batch.Status(cmd.Context(), db)
			if err != nil {
				return &exitError{exitInternal, err}
			}
			if summary != "" {
				if err := os.MkdirAll(summary, 0o755); err == nil {
					err = batch.WriteReports(cmd.Context(), db, summary, sum.Results, lang)
				}
				if err == nil {
					err = batch.WriteSummary(summary, sum, lang)
				}
				if err != nil {
					return &exitError{exitInternal, err}
				}
			}
			w := cmd.OutOrStdout()
			switch format {
			case "csv":
				err = batch.WriteCSV(w, sum.Results)
			case "json":
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				err = enc.Encode(sum)
			default:
				err = resultsTable(w, sum)
			}
			if err != nil {
				return &exitError{exitInternal, err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dsn, "db", "", "queue and results: postgres:// URL or a batch's SQLite file")
	cmd.Flags().StringVar(&format, "format", "table", "table, csv or json")
	cmd.Flags().StringVar(&summary, "summary", "", "write summary.html, summary.csv and each image's reports into this folder")
	cmd.Flags().StringVar(&lang, "lang", "en", "summary and report language: en or ja")
	return cmd
}

func resultsTable(w io.Writer, s *batch.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSHA256\tSTATUS\t★1 BLOCKING\tCRIT\tHIGH\tMED\tLOW\tINFO\tTIME\tTRIES\tWORKER")
	for _, r := range s.Results {
		block := strings.Join(r.Blocking, ",")
		if r.Status == batch.Done && block == "" {
			block = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.1fs\t%d\t%s\n", r.Name, r.SHA256[:12], r.Status, block,
			r.Counts["critical"], r.Counts["high"], r.Counts["medium"], r.Counts["low"], r.Counts["info"],
			time.Duration(r.ScanTime).Seconds(), r.Attempts, r.Worker)
	}
	for _, sh := range s.Shared {
		var names []string
		for _, im := range sh.Images {
			names = append(names, im.Name)
		}
		fmt.Fprintf(tw, "shared %s %s in %d images: %s\n", sh.Kind, sh.Value, len(sh.Images), strings.Join(names, ", "))
	}
	return tw.Flush()
}

// batchProgress shows bars on a terminal (overall and one line per worker)
// and log lines elsewhere, so that CI logs stay readable.
type batchProgress interface {
	events() batch.Events
	writer() io.Writer // for lines that must not garble the bars
	close()
}

func newBatchProgress(ctx context.Context, w io.Writer, workers int) batchProgress {
	if !isTerminal(w) || os.Getenv("CI") != "" {
		return &logProgress{w: w}
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &barProgress{p: mpb.NewWithContext(ctx, mpb.WithOutput(w), mpb.WithWidth(40)),
		color: os.Getenv("NO_COLOR") == "", lines: make([]string, workers)}
}

// logProgress writes a line per finished image.
type logProgress struct {
	w     io.Writer
	mu    sync.Mutex
	n, of int
}

func (l *logProgress) events() batch.Events {
	return batch.Events{
		Queued: func(images, jobs int) {
			l.of = jobs
			fmt.Fprintf(l.w, "fwstar: batch of %d images: %d to scan, %d already done\n", images, jobs, images-jobs)
		},
		Retry: func(_ int, r *batch.Result) {
			fmt.Fprintf(l.w, "[retry] %s\n", resultLine(r))
		},
		Done: func(_ int, r *batch.Result) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.n++
			count := fmt.Sprint(l.n)
			if l.of > 0 {
				count += fmt.Sprintf("/%d", l.of)
			}
			fmt.Fprintf(l.w, "[%s] %s\n", count, resultLine(r))
		},
	}
}

func (l *logProgress) close() {}

func (l *logProgress) writer() io.Writer { return l.w }

func resultLine(r *batch.Result) string {
	if r.Status != batch.Done {
		return fmt.Sprintf("FAILED %s (attempt %d): %s", r.Name, r.Attempts, r.Error)
	}
	star := "★1 no blocking criterion"
	if len(r.Blocking) > 0 {
		star = "★1 blocked by " + strings.Join(r.Blocking, ",")
	}
	return fmt.Sprintf("done %s in %.1fs: %d critical, %d high, %d medium; %s", r.Name,
		time.Duration(r.ScanTime).Seconds(), r.Counts["critical"], r.Counts["high"], r.Counts["medium"], star)
}

type barProgress struct {
	p     *mpb.Progress
	color bool
	mu    sync.Mutex
	total *mpb.Bar
	bars  []*mpb.Bar
	lines []string
}

func (b *barProgress) line(i int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lines[i]
}

func (b *barProgress) set(i int, s string) {
	b.mu.Lock()
	if i < len(b.lines) {
		b.lines[i] = s
	}
	b.mu.Unlock()
}

func (b *barProgress) events() batch.Events {
	return batch.Events{
		Queued: func(images, jobs int) {
			b.total = b.p.New(int64(jobs), mpb.BarStyle(),
				mpb.PrependDecorators(decor.Name(fmt.Sprintf("batch (%d done before) ", images-jobs)), decor.CountersNoUnit("%d/%d")),
				mpb.AppendDecorators(decor.Percentage(decor.WCSyncSpace), decor.Name(" "), decor.Elapsed(decor.ET_STYLE_GO)))
			for i := range b.lines {
				b.lines[i] = "idle"
				b.bars = append(b.bars, b.p.New(0, mpb.NopStyle(), mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
					return fmt.Sprintf("  worker %d: %s", i+1, b.line(i))
				}))))
			}
		},
		Start: func(slot int, path string) { b.set(slot, filepath.Base(path)+": verify") },
		Stage: func(slot int, stage string) {
			b.mu.Lock()
			if name, _, ok := strings.Cut(b.lines[slot], ":"); ok {
				b.lines[slot] = name + ": " + stage
			}
			b.mu.Unlock()
		},
		Retry: func(slot int, r *batch.Result) {
			fmt.Fprintln(b.p, "retry: "+resultLine(r))
			b.set(slot, "idle")
		},
		Done: func(slot int, r *batch.Result) {
			if r.Status != batch.Done {
				msg := "FAILED " + r.Name + ": " + r.Error
				if b.color {
					msg = "\x1b[31m" + msg + "\x1b[0m"
				}
				fmt.Fprintln(b.p, msg) // printed above the bars
			}
			b.set(slot, "idle")
			if b.total != nil {
				b.total.Increment()
			}
		},
	}
}

func (b *barProgress) writer() io.Writer { return b.p }

func (b *barProgress) close() {
	for _, bar := range b.bars {
		bar.Abort(true)
	}
	if b.total != nil && !b.total.Completed() {
		b.total.Abort(false)
	}
	b.p.Wait()
}
