package batch

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo for the single-machine store
)

// ScanArgs is a job: an image by path on storage every worker sees, and the
// content it must still have when a worker takes it.
type ScanArgs struct {
	Path   string `json:"path" river:"unique"`
	SHA256 string `json:"sha256" river:"unique"`
}

func (ScanArgs) Kind() string { return "fwstar_scan" }

// InsertOpts dedupes against jobs still waiting or running only: a finished
// job must not stop a re-scan after a tool or rules upgrade (Submit checks
// the results for that).
func (ScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled,
	}}}
}

// queue is the part of a river.Client the batch uses; it hides the
// transaction type, which differs between the SQLite and pgx drivers.
type queue interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Subscribe(kinds ...river.EventKind) (<-chan *river.Event, func())
	InsertMany(ctx context.Context, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
}

// DB is a results store with its job queue: a SQLite file for one machine,
// or a PostgreSQL database shared by many.
type DB struct {
	store
	local     bool // SQLite: one process owns the queue
	newClient func(*river.Config) (queue, error)
	close     func()
}

// IsPostgres tells a PostgreSQL URL from a SQLite file name.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (and creates or migrates) the store and queue: dsn is a
// postgres:// URL or the path of a SQLite file.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func (d *DB) Close() { d.close() }

func openSQLite(ctx context.Context, path string) (*DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	// The River SQLite driver asks for one connection; the store shares it.
	db.SetMaxOpenConns(1)
	drv := riversqlite.New(db)
	d := &DB{store: store{db: db}, local: true, close: func() { db.Close() }}
	d.newClient = func(c *river.Config) (queue, error) { return river.NewClient(drv, c) }
	if err := migrate(ctx, drv, &d.store); err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// River and the store share the pool; database/sql runs the store's SQL.
	db := stdlib.OpenDBFromPool(pool)
	drv := riverpgxv5.New(pool)
	d := &DB{store: store{db: db, postgres: true}, close: func() { db.Close(); pool.Close() }}
	d.newClient = func(c *river.Config) (queue, error) { return river.NewClient(drv, c) }
	// Workers start together on many machines: one migrates at a time.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		d.close()
		return nil, err
	}
	defer conn.Release()
	const lockID = 0x66777374 // "fwst"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockID); err != nil {
		d.close()
		return nil, err
	}
	err = migrate(ctx, drv, &d.store)
	if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockID); err == nil {
		err = uerr
	}
	if err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func migrate[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], s *store) error {
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river schema: %w", err)
	}
	return s.migrate(ctx)
}

// clientConfig is River's configuration for a worker process.
func clientConfig(o *Options, workers *river.Workers) *river.Config {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &river.Config{
		ID:                   o.ID,
		Logger:               logger,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}},
		Workers:              workers,
		JobTimeout:           o.ImageTimeout,
		RescueStuckJobsAfter: o.RescueAfter,
		MaxAttempts:          o.MaxAttempts,
		RetryPolicy:          retryPolicy{},
		FetchCooldown:        50 * time.Millisecond,
		FetchPollInterval:    250 * time.Millisecond,
	}
}

// retryPolicy waits a few seconds, growing with the attempt: a failed scan
// is mostly a file on shared storage that was briefly missing, and River's
// default (attempt⁴ seconds) would leave a lab waiting for minutes.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(min(job.Attempt, 12)) * 5 * time.Second)
}
