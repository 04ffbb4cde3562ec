package extractors

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

// A damaged file ends only itself: every job runs and the first error is
// kept. A budget error ends the walk: Submit refuses from then on.
func TestWorkers(t *testing.T) {
	var ran atomic.Int32
	w := StartWorkers(context.Background(), func(i int) error {
		ran.Add(1)
		if i == 3 {
			return Errorf("test", 0, "file %d is damaged", i)
		}
		return nil
	})
	for i := range 100 {
		if !w.Submit(i) {
			t.Fatalf("job %d refused after a damaged file", i)
		}
	}
	w.Wait()
	var fe *FormatError
	if err := w.Err(); !errors.As(err, &fe) || ran.Load() != 100 {
		t.Fatalf("err %v, %d jobs ran", err, ran.Load())
	}

	budget := &LimitError{Limit: "files"}
	w = StartWorkers(context.Background(), func(int) error { return budget })
	refused := false
	for i := range 100 {
		if !w.Submit(i) {
			refused = true
			break
		}
	}
	w.Wait()
	if err := w.Err(); !refused || !errors.Is(err, budget) || w.Context().Err() == nil {
		t.Fatalf("refused %v err %v", refused, err)
	}
}
