package extractors

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Workers writes a filesystem's regular files on every core while its
// handler walks the rest in order (directories, links, devices): decoding and
// hashing file contents is the cost of unpacking. The first error is kept. A
// damaged entry ends only itself; an error that ends the whole chunk (a
// budget, the deadline) cancels Context so the walk stops early.
type Workers[T any] struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	jobs   chan T
	wg     sync.WaitGroup
	mu     sync.Mutex
	err    error
}

// StartWorkers starts one worker per core, each running work on the jobs
// Submit hands it.
func StartWorkers[T any](ctx context.Context, work func(T) error) *Workers[T] {
	w := &Workers[T]{jobs: make(chan T)}
	w.ctx, w.cancel = context.WithCancelCause(ctx)
	for range runtime.GOMAXPROCS(0) {
		w.wg.Go(func() {
			for j := range w.jobs {
				if err := work(j); err != nil {
					w.Fail(err)
				}
			}
		})
	}
	return w
}

// Context is cancelled once the chunk must end; the walk checks it.
func (w *Workers[T]) Context() context.Context { return w.ctx }

// Fail records err (the walk's own errors too) and cancels the context when
// err ends the whole chunk.
func (w *Workers[T]) Fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
	var fe *FormatError
	if IsFatal(err) && !errors.As(err, &fe) {
		w.cancel(err)
	}
}

// Submit hands a job to a free worker; false once the context is cancelled.
func (w *Workers[T]) Submit(job T) bool {
	select {
	case w.jobs <- job:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// Wait lets the workers finish the jobs handed out; call it once, after the
// last Submit.
func (w *Workers[T]) Wait() {
	close(w.jobs)
	w.wg.Wait()
}

// Err is the first error, else what ended the context (the deadline); call
// it last.
func (w *Workers[T]) Err() error {
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if err == nil {
		if err = context.Cause(w.ctx); err == context.Canceled {
			err = nil
		}
	}
	w.cancel(nil)
	return err
}
