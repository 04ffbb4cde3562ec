package batch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Status of an image's result.
const (
	Queued  = "queued"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// Result is an image's row in the results store: one per (sha256, rules
// version), whatever the number of paths that hold the same bytes.
type Result struct {
	SHA256       string    `json:"sha256"`
	RulesVersion string    `json:"rules_version"`
	ToolVersion  string    `json:"tool_version"`
	Name         string    `json:"name"` // base name of the path that was scanned
	Path         string    `json:"path"`
	Size         int64     `json:"size"`
	Status       string    `json:"status"`
	Attempts     int       `json:"attempts"`
	Worker       string    `json:"worker,omitempty"`
	QueuedAt     time.Time `json:"queued_at"`
	StartedAt    time.Time `json:"started_at,omitzero"`
	FinishedAt   time.Time `json:"finished_at,omitzero"`
	ScanTime     Duration  `json:"scan_time"`
	// PeakRSS is the worker process's resident-memory high-water mark when
	// the image finished (bytes; 0 where the OS does not tell). With one
	// worker a process it bounds the image's own peak.
	PeakRSS  int64          `json:"peak_rss,omitempty"`
	Counts   map[string]int `json:"counts"`   // findings by severity name
	Blocking []string       `json:"blocking"` // ★1 criteria that do not conform
	Error    string         `json:"error,omitempty"`
	Report   string         `json:"-"` // the redacted JSON report
	File     string         `json:"report_file,omitempty"`
	keys     []Key          // shared-key candidates, committed with the result
}

// Duration marshals as seconds.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.FormatFloat(time.Duration(d).Seconds(), 'f', 3, 64)), nil
}

// Image is a path given to a batch and the content it had then.
type Image struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

var severities = []string{"critical", "high", "medium", "low", "info"}

// store keeps images, results and cross-image keys in SQLite or PostgreSQL
// through database/sql; the SQL is the subset both speak (ON CONFLICT
// upserts, integers for times in Unix milliseconds).
type store struct {
	db       *sql.DB
	postgres bool
}

var schema = []string{
	`CREATE TABLE IF NOT EXISTS fwstar_image (
		path TEXT PRIMARY KEY,
		sha256 TEXT NOT NULL,
		size BIGINT NOT NULL,
		submitted_at BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS fwstar_result (
		sha256 TEXT NOT NULL,
		rules_version TEXT NOT NULL,
		tool_version TEXT NOT NULL,
		name TEXT NOT NULL,
		path TEXT NOT NULL,
		size BIGINT NOT NULL,
		status TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		worker TEXT NOT NULL DEFAULT '',
		queued_at BIGINT NOT NULL,
		started_at BIGINT NOT NULL DEFAULT 0,
		finished_at BIGINT NOT NULL DEFAULT 0,
		scan_ms BIGINT NOT NULL DEFAULT 0,
		peak_rss BIGINT NOT NULL DEFAULT 0,
		critical INTEGER NOT NULL DEFAULT 0,
		high INTEGER NOT NULL DEFAULT 0,
		medium INTEGER NOT NULL DEFAULT 0,
		low INTEGER NOT NULL DEFAULT 0,
		info INTEGER NOT NULL DEFAULT 0,
		blocking TEXT NOT NULL DEFAULT '',
		error TEXT NOT NULL DEFAULT '',
		report TEXT NOT NULL DEFAULT '',
		report_file TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (sha256, rules_version))`,
	// Keys shared between images (key fingerprints, hashed secrets), for
	// cross-image correlation; never a raw secret.
	`CREATE TABLE IF NOT EXISTS fwstar_key (
		sha256 TEXT NOT NULL,
		rules_version TEXT NOT NULL,
		kind TEXT NOT NULL,
		value TEXT NOT NULL,
		rule_id TEXT NOT NULL,
		path TEXT NOT NULL,
		PRIMARY KEY (sha256, rules_version, kind, value, rule_id, path))`,
	`CREATE INDEX IF NOT EXISTS fwstar_key_value ON fwstar_key (kind, value)`,
}

func (s *store) migrate(ctx context.Context) error {
	for _, q := range schema {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("results schema: %w", err)
		}
	}
	return nil
}

// q turns ? placeholders into PostgreSQL's $n.
func (s *store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func (s *store) putImage(ctx context.Context, im Image, now time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO fwstar_image (path, sha256, size, submitted_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, submitted_at = excluded.submitted_at`),
		im.Path, im.SHA256, im.Size, ms(now))
	return err
}

// queue records that an image is waiting, unless a worker holds it. It
// reports whether a new job is needed: false when the result is done with
// this tool version already.
func (s *store) queue(ctx context.Context, im Image, name, rules, tool string, now time.Time) (bool, error) {
	r, ok, err := s.result(ctx, im.SHA256, rules)
	if err != nil {
		return false, err
	}
	if ok && r.Status == Done && r.ToolVersion == tool {
		return false, nil
	}
	_, err = s.db.ExecContext(ctx, s.q(`INSERT INTO fwstar_result (sha256, rules_version, tool_version, name, path, size, status, queued_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256, rules_version) DO UPDATE SET tool_version = excluded.tool_version, name = excluded.name,
			path = excluded.path, status = excluded.status, queued_at = excluded.queued_at, attempts = 0, error = ''
		WHERE fwstar_result.status <> 'running'`),
		im.SHA256, rules, tool, name, im.Path, im.Size, Queued, ms(now))
	return true, err
}

// requeueStale puts back images left running by a process that is gone;
// only for a store one process owns (the local batch).
func (s *store) requeueStale(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `UPDATE fwstar_result SET status = 'queued' WHERE status = 'running'`)
	return err
}

func (s *store) start(ctx context.Context, sha, rules, worker string, attempt int, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE fwstar_result SET status = ?, worker = ?, attempts = ?, started_at = ?, error = ''
		WHERE sha256 = ? AND rules_version = ?`), Running, worker, attempt, ms(at), sha, rules)
	return err
}

// setStatus records a failure or a return to the queue without a report.
func (s *store) setStatus(ctx context.Context, sha, rules, status, msg string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE fwstar_result SET status = ?, error = ?, finished_at = ? WHERE sha256 = ? AND rules_version = ?`),
		status, msg, ms(at), sha, rules)
	return err
}

// finish commits an image's result and its keys in one transaction, so a
// crash leaves either the whole result or none of it.
func (s *store) finish(ctx context.Context, r *Result, keys []Key) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO fwstar_result (sha256, rules_version, tool_version, name, path, size, status,
			attempts, worker, queued_at, started_at, finished_at, scan_ms, peak_rss, critical, high, medium, low, info,
			blocking, error, report, report_file)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256, rules_version) DO UPDATE SET tool_version = excluded.tool_version, name = excluded.name,
			path = excluded.path, size = excluded.size, status = excluded.status, attempts = excluded.attempts,
			worker = excluded.worker, started_at = excluded.started_at, finished_at = excluded.finished_at,
			scan_ms = excluded.scan_ms, peak_rss = excluded.peak_rss, critical = excluded.critical, high = excluded.high,
			medium = excluded.medium, low = excluded.low, info = excluded.info, blocking = excluded.blocking,
			error = excluded.error, report = excluded.report, report_file = excluded.report_file`),
		r.SHA256, r.RulesVersion, r.ToolVersion, r.Name, r.Path, r.Size, r.Status, r.Attempts, r.Worker,
		ms(r.QueuedAt), ms(r.StartedAt), ms(r.FinishedAt), time.Duration(r.ScanTime).Milliseconds(), r.PeakRSS,
		r.Counts["critical"], r.Counts["high"], r.Counts["medium"], r.Counts["low"], r.Counts["info"],
		strings.Join(r.Blocking, ","), r.Error, r.Report, r.File)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM fwstar_key WHERE sha256 = ? AND rules_version = ?`), r.SHA256, r.RulesVersion); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO fwstar_key (sha256, rules_version, kind, value, rule_id, path)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`), r.SHA256, r.RulesVersion, k.Kind, k.Value, k.RuleID, k.Path); err != nil {
			return err
		}
	}
	return tx.Commit()
}

const resultCols = `sha256, rules_version, tool_version, name, path, size, status, attempts, worker, queued_at, started_at,
	finished_at, scan_ms, peak_rss, critical, high, medium, low, info, blocking, error, report_file`

func scanResult(row interface{ Scan(...any) error }) (*Result, error) {
	var r Result
	var q, st, fin, scan int64
	var c [5]int
	var blocking string
	err := row.Scan(&r.SHA256, &r.RulesVersion, &r.ToolVersion, &r.Name, &r.Path, &r.Size, &r.Status, &r.Attempts, &r.Worker,
		&q, &st, &fin, &scan, &r.PeakRSS, &c[0], &c[1], &c[2], &c[3], &c[4], &blocking, &r.Error, &r.File)
	if err != nil {
		return nil, err
	}
	r.QueuedAt, r.StartedAt, r.FinishedAt = fromMS(q), fromMS(st), fromMS(fin)
	r.ScanTime = Duration(time.Duration(scan) * time.Millisecond)
	r.Counts = map[string]int{}
	for i, s := range severities {
		r.Counts[s] = c[i]
	}
	r.Blocking = []string{}
	if blocking != "" {
		r.Blocking = strings.Split(blocking, ",")
	}
	return &r, nil
}

func (s *store) result(ctx context.Context, sha, rules string) (*Result, bool, error) {
	r, err := scanResult(s.db.QueryRowContext(ctx, s.q(`SELECT `+resultCols+` FROM fwstar_result WHERE sha256 = ? AND rules_version = ?`), sha, rules))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return r, err == nil, err
}

// report returns an image's stored JSON report.
func (s *store) report(ctx context.Context, sha, rules string) (string, error) {
	var rep string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT report FROM fwstar_result WHERE sha256 = ? AND rules_version = ?`), sha, rules).Scan(&rep)
	return rep, err
}

// results lists the results of a rules version for the content each
// submitted path has now (not the content it had before it changed), in
// path order.
func (s *store) results(ctx context.Context, rules string) ([]*Result, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+resultCols+` FROM fwstar_result
		WHERE rules_version = ? AND sha256 IN (SELECT sha256 FROM fwstar_image) ORDER BY path, sha256`), rules)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Result
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// keys returns the keys found in more than one image.
func (s *store) sharedKeys(ctx context.Context, rules string) ([]keyRow, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT k.kind, k.value, k.rule_id, k.path, k.sha256 FROM fwstar_key k
		JOIN (SELECT kind, value FROM fwstar_key WHERE rules_version = ? GROUP BY kind, value HAVING COUNT(DISTINCT sha256) > 1) d
		ON d.kind = k.kind AND d.value = k.value
		WHERE k.rules_version = ? ORDER BY k.kind, k.value, k.sha256, k.path`), rules, rules)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []keyRow
	for rows.Next() {
		var k keyRow
		if err := rows.Scan(&k.Kind, &k.Value, &k.RuleID, &k.Path, &k.SHA256); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

type keyRow struct {
	Key
	SHA256 string
}
