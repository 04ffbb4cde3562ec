package batch

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fwstar/fwstar/samples"
)

// freshDatabase creates a database of its own for one test run on the
// server of dsn, and drops it afterwards.
func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := fmt.Sprintf("fwstar_test_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE " + name + " WITH (FORCE)") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestPostgresWorkers runs two fwstar worker processes on one PostgreSQL
// queue, kills one with SIGKILL in the middle of a scan, and checks that
// River hands its job to the other and that every image ends with exactly
// one result. .ci/pg-test.sh starts a server and runs it.
func TestPostgresWorkers(t *testing.T) {
	dsn := os.Getenv("FWSTAR_PG_DSN")
	if dsn == "" {
		t.Skip("FWSTAR_PG_DSN not set; .ci/pg-test.sh runs this test against a throw-away server")
	}
	dsn = freshDatabase(t, dsn)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "fwstar")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fwstar")
	build.Dir = samples.Root()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "worker", "--help").CombinedOutput(); err != nil {
		t.Fatalf("fwstar has no worker command (cmd/fwstar/root.go must add newBatchCmd, newSubmitCmd, newWorkerCmd, newResultsCmd): %v\n%s", err, out)
	}
	in, n := testImages(t, 5, "licheepi-nano-rootfs.jffs2")

	if out, err := exec.Command(bin, "submit", "--db", dsn, in).CombinedOutput(); err != nil ||
		!strings.Contains(string(out), fmt.Sprintf("%d queued", n)) {
		t.Fatalf("submit: %v\n%s", err, out)
	}
	// A short job timeout lets River's rescuer hand a dead worker's job on
	// within a minute (it looks every 30 s).
	worker := func(id string) (*exec.Cmd, *os.File) {
		log, err := os.Create(filepath.Join(tmp, id+".log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "worker", "--db", dsn, "--id", id, "--workers", "1",
			"--image-timeout", "20s", "--rescue-after", "21s")
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, log
	}
	a, aLog := worker("worker-a")
	b, bLog := worker("worker-b")

	ctx := context.Background()
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Kill worker A as soon as it is seen scanning.
	var killed string
	start := time.Now()
	for killed == "" {
		if time.Since(start) > 2*time.Minute {
			t.Fatal("worker-a never took a job")
		}
		err := db.db.QueryRowContext(ctx, `SELECT sha256 FROM fwstar_result WHERE status = 'running' AND worker = 'worker-a'`).Scan(&killed)
		if err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		if killed == "" {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := a.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	t.Logf("killed worker-a %s after it took %s", time.Since(start).Round(time.Millisecond), killed[:12])

	// Wait until every image is done.
	for {
		var done, total int
		if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE status = 'done'), COUNT(*) FROM fwstar_result`).Scan(&done, &total); err != nil {
			t.Fatal(err)
		}
		if done == n {
			break
		}
		if time.Since(start) > 4*time.Minute {
			out, _ := os.ReadFile(bLog.Name())
			t.Fatalf("%d of %d images done after %s\nworker-b log:\n%s", done, n, time.Since(start), out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("all %d images done %s after the start", n, time.Since(start).Round(time.Millisecond))

	if err := b.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := b.Wait(); err != nil {
		t.Errorf("worker-b did not stop cleanly on SIGTERM: %v", err)
	}

	var results, jobs, completed, killedAttempt int
	db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM fwstar_result`).Scan(&results)
	db.db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE state = 'completed') FROM river_job`).Scan(&jobs, &completed)
	if err := db.db.QueryRowContext(ctx, `SELECT attempt FROM river_job WHERE args->>'sha256' = $1`, killed).Scan(&killedAttempt); err != nil {
		t.Fatal(err)
	}
	if results != n || jobs != n || completed != n {
		t.Errorf("%d results, %d jobs, %d completed; want %d each", results, jobs, completed, n)
	}
	if killedAttempt < 2 {
		t.Errorf("the killed worker's job ran %d times, want a retry", killedAttempt)
	}
	r, ok, err := db.result(ctx, killed, resultsRules(t, db))
	if err != nil || !ok || r.Status != Done {
		t.Fatalf("killed job's result: %+v %v", r, err)
	}
	t.Logf("killed job finished by %s on attempt %d", r.Worker, r.Attempts)

	// The results command reads the same store.
	out, err := exec.Command(bin, "results", "--db", dsn, "--format", "csv").CombinedOutput()
	if err != nil || strings.Count(string(out), ",done,") != n {
		t.Errorf("results: %v\n%s", err, out)
	}
	aOut, _ := os.ReadFile(aLog.Name())
	bOut, _ := os.ReadFile(bLog.Name())
	t.Logf("worker-a log:\n%s\nworker-b log:\n%s", aOut, bOut)
}

func resultsRules(t *testing.T, db *DB) string {
	var rules string
	if err := db.db.QueryRow(`SELECT rules_version FROM fwstar_result LIMIT 1`).Scan(&rules); err != nil {
		t.Fatal(err)
	}
	return rules
}
