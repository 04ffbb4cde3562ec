// Package store keeps imported vulnerability data in a local SQLite file
// (modernc.org/sqlite: pure Go, so fwstar stays one static binary). Scans
// only read it; `fwstar db import` fills it from files the user fetched.
// Imports are incremental and idempotent: a record replaces the stored one
// of the same source and ID only when its lastModified is newer.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/fwstar/fwstar/analyzer/vulns/feed"
)

// Store is an open vulnerability database.
type Store struct {
	db   *sql.DB
	path string
}

const schema = `
CREATE TABLE IF NOT EXISTS records (
	source   TEXT NOT NULL,
	id       TEXT NOT NULL,
	modified TEXT NOT NULL,
	data     BLOB NOT NULL,
	PRIMARY KEY (source, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS keys (
	key    TEXT NOT NULL,
	source TEXT NOT NULL,
	id     TEXT NOT NULL,
	PRIMARY KEY (key, source, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_record ON keys (source, id);
CREATE TABLE IF NOT EXISTS kev (
	cve  TEXT PRIMARY KEY,
	data BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS epss (
	cve        TEXT PRIMARY KEY,
	score      REAL NOT NULL,
	percentile REAL NOT NULL,
	date       TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS imports (
	at        TEXT NOT NULL,
	path      TEXT NOT NULL,
	format    TEXT NOT NULL,
	added     INTEGER NOT NULL,
	updated   INTEGER NOT NULL,
	unchanged INTEGER NOT NULL,
	removed   INTEGER NOT NULL DEFAULT 0
);
`

// DefaultPath is where the store lives unless --db says otherwise:
// the user's cache folder, fwstar/vulns.db.
func DefaultPath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "fwstar", "vulns.db"), nil
}

// Open opens (creating if needed) the store at path.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises anyway
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	if err := addRemovedColumn(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// addRemovedColumn gives the imports log of a store made before KEV
// removals were counted its removed column.
func addRemovedColumn(db *sql.DB) error {
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('imports') WHERE name = 'removed'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := db.Exec(`ALTER TABLE imports ADD COLUMN removed INTEGER NOT NULL DEFAULT 0`)
	return err
}

// OpenExisting opens a store for reading; it fails when the file is absent
// instead of creating an empty one.
func OpenExisting(path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return Open(path)
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Counts tells what an import did. Removed counts KEV entries a newer
// catalog no longer lists.
type Counts struct {
	Added, Updated, Unchanged, Removed int
}

func (c *Counts) add(o Counts) {
	c.Added += o.Added
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Removed += o.Removed
}

// PutRecords upserts records in one transaction.
func (s *Store) PutRecords(ctx context.Context, recs []*feed.Record) (Counts, error) {
	var n Counts
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	get, err := tx.PrepareContext(ctx, `SELECT modified FROM records WHERE source = ? AND id = ?`)
	if err != nil {
		return n, err
	}
	put, err := tx.PrepareContext(ctx, `INSERT INTO records (source, id, modified, data) VALUES (?, ?, ?, ?)
		ON CONFLICT (source, id) DO UPDATE SET modified = excluded.modified, data = excluded.data`)
	if err != nil {
		return n, err
	}
	delKeys, err := tx.PrepareContext(ctx, `DELETE FROM keys WHERE source = ? AND id = ?`)
	if err != nil {
		return n, err
	}
	putKey, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO keys (key, source, id) VALUES (?, ?, ?)`)
	if err != nil {
		return n, err
	}
	for _, r := range recs {
		var old string
		switch err := get.QueryRowContext(ctx, r.Source, r.ID).Scan(&old); {
		case errors.Is(err, sql.ErrNoRows):
			n.Added++
		case err != nil:
			return n, err
		case r.LastModified <= old:
			n.Unchanged++
			continue
		default:
			n.Updated++
		}
		data, err := json.Marshal(r)
		if err != nil {
			return n, err
		}
		if _, err := put.ExecContext(ctx, r.Source, r.ID, r.LastModified, data); err != nil {
			return n, err
		}
		if _, err := delKeys.ExecContext(ctx, r.Source, r.ID); err != nil {
			return n, err
		}
		for _, k := range r.Keys() {
			if _, err := putKey.ExecContext(ctx, k, r.Source, r.ID); err != nil {
				return n, err
			}
		}
	}
	return n, tx.Commit()
}

// PutKEV stores a CISA KEV catalog. CISA publishes the catalog whole and
// does take entries out (CVE-2025-4664 is in catalog 2025.05.22 and not in
// 2025.06.09), so the stored entries become the catalog's: those it no
// longer lists are removed. A catalog older than the stored one (its
// newest dateAdded is earlier) changes nothing.
func (s *Store) PutKEV(ctx context.Context, kev map[string]feed.KEV) (Counts, error) {
	var n Counts
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	stored := map[string]string{}
	var storedNewest, newest string
	rows, err := tx.QueryContext(ctx, `SELECT cve, data FROM kev`)
	if err != nil {
		return n, err
	}
	for rows.Next() {
		var id, data string
		var k feed.KEV
		if err := rows.Scan(&id, &data); err != nil {
			rows.Close()
			return n, err
		}
		if err := json.Unmarshal([]byte(data), &k); err != nil {
			rows.Close()
			return n, fmt.Errorf("store: kev %s: %w", id, err)
		}
		stored[id], storedNewest = data, max(storedNewest, k.Added)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return n, err
	}
	for _, k := range kev {
		newest = max(newest, k.Added)
	}
	if newest < storedNewest {
		n.Unchanged = len(kev)
		return n, nil
	}
	for id, k := range kev {
		data, _ := json.Marshal(k)
		switch old, ok := stored[id]; {
		case !ok:
			n.Added++
		case old == string(data):
			n.Unchanged++
			continue
		default:
			n.Updated++
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO kev (cve, data) VALUES (?, ?) ON CONFLICT (cve) DO UPDATE SET data = excluded.data`, id, data); err != nil {
			return n, err
		}
	}
	for id := range stored {
		if _, ok := kev[id]; ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM kev WHERE cve = ?`, id); err != nil {
			return n, err
		}
		n.Removed++
	}
	return n, tx.Commit()
}

// PutEPSS stores EPSS scores; an older score date never replaces a newer.
func (s *Store) PutEPSS(ctx context.Context, scores []feed.EPSS) (Counts, error) {
	var n Counts
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return n, err
	}
	defer tx.Rollback()
	get, err := tx.PrepareContext(ctx, `SELECT date, score, percentile FROM epss WHERE cve = ?`)
	if err != nil {
		return n, err
	}
	put, err := tx.PrepareContext(ctx, `INSERT INTO epss (cve, score, percentile, date) VALUES (?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, date = excluded.date`)
	if err != nil {
		return n, err
	}
	for _, e := range scores {
		var date string
		var sc, pc float64
		switch err := get.QueryRowContext(ctx, e.CVE).Scan(&date, &sc, &pc); {
		case errors.Is(err, sql.ErrNoRows):
			n.Added++
		case err != nil:
			return n, err
		case e.Date < date || e.Date == date && sc == e.Score && pc == e.Percentile:
			n.Unchanged++
			continue
		default:
			n.Updated++
		}
		if _, err := put.ExecContext(ctx, e.CVE, e.Score, e.Percentile, e.Date); err != nil {
			return n, err
		}
	}
	return n, tx.Commit()
}

// Lookup returns the records indexed under any of keys.
func (s *Store) Lookup(ctx context.Context, keys []string) ([]feed.Record, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q := `SELECT DISTINCT r.data FROM keys k JOIN records r ON r.source = k.source AND r.id = k.id WHERE k.key IN (?` +
		strings.Repeat(",?", len(keys)-1) + `) ORDER BY r.id, r.source`
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = strings.ToLower(k)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feed.Record
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		var r feed.Record
		if err := json.Unmarshal(data, &r); err != nil {
			return nil, fmt.Errorf("store: record: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// KEV returns the stored KEV entry of a CVE.
func (s *Store) KEV(ctx context.Context, cve string) (*feed.KEV, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM kev WHERE cve = ?`, cve).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var k feed.KEV
	return &k, json.Unmarshal(data, &k)
}

// EPSS returns the stored EPSS score of a CVE.
func (s *Store) EPSS(ctx context.Context, cve string) (*feed.EPSS, error) {
	e := feed.EPSS{CVE: cve}
	err := s.db.QueryRowContext(ctx, `SELECT score, percentile, date FROM epss WHERE cve = ?`, cve).Scan(&e.Score, &e.Percentile, &e.Date)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Status summarises the store.
type Status struct {
	Path        string
	Records     map[string]int // by source
	Newest      map[string]string
	KEV         int
	EPSS        int
	EPSSDate    string
	LastImports []Import
}

// Import is one logged import.
type Import struct {
	At, Path, Format string
	Counts
}

// Status reads the counts, newest modification times and last imports.
func (s *Store) Status(ctx context.Context) (*Status, error) {
	st := &Status{Path: s.path, Records: map[string]int{}, Newest: map[string]string{}}
	rows, err := s.db.QueryContext(ctx, `SELECT source, COUNT(*), MAX(modified) FROM records GROUP BY source ORDER BY source`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var src, newest string
		var n int
		if err := rows.Scan(&src, &n, &newest); err != nil {
			rows.Close()
			return nil, err
		}
		st.Records[src], st.Newest[src] = n, newest
	}
	rows.Close()
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kev`).Scan(&st.KEV); err != nil {
		return nil, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(date), '') FROM epss`).Scan(&st.EPSS, &st.EPSSDate); err != nil {
		return nil, err
	}
	rows, err = s.db.QueryContext(ctx, `SELECT at, path, format, added, updated, unchanged, removed FROM imports ORDER BY rowid DESC LIMIT 10`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var im Import
		if err := rows.Scan(&im.At, &im.Path, &im.Format, &im.Added, &im.Updated, &im.Unchanged, &im.Removed); err != nil {
			return nil, err
		}
		st.LastImports = append(st.LastImports, im)
	}
	return st, rows.Err()
}

func (s *Store) logImport(ctx context.Context, path, format string, n Counts) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO imports (at, path, format, added, updated, unchanged, removed) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		time.Now().UTC().Format(time.RFC3339), path, format, n.Added, n.Updated, n.Unchanged, n.Removed)
	return err
}
