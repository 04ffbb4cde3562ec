package sinktest

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// CheckTruncations cuts img every step bytes. Each cut is refused by
// Identify, or extracts what lies before the cut, ends exactly there and
// fails, if at all, with a FormatError.
func CheckTruncations(t *testing.T, h extractors.Handler, img []byte, step int) {
	t.Helper()
	for cut := 0; cut < len(img); cut += step {
		r := bytes.NewReader(img[:cut])
		c, err := h.Identify(r, 0, int64(cut))
		if err != nil {
			continue
		}
		end, err := h.Extract(context.Background(), r, c, NewSink(false))
		var fe *extractors.FormatError
		if end != int64(cut) || (err != nil && !errors.As(err, &fe)) {
			t.Fatalf("cut %d: end %d err %v", cut, end, err)
		}
	}
}

// CheckMutations changes 1 to 8 bytes of one of imgs (in turn), n times, at
// offsets pick chooses (from a fixed seed, so failures repeat). Many more
// cases than the fuzzer gets through on a loaded machine: each identified
// chunk extracts within 2 s under a small budget, ends where Identify said
// and does not panic.
func CheckMutations(t *testing.T, h extractors.Handler, imgs [][]byte, n int, pick func(rng *rand.Rand, size int) int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		b := bytes.Clone(imgs[i%len(imgs)])
		for range 1 + rng.IntN(8) {
			b[pick(rng, len(b))] = byte(rng.IntN(256))
		}
		r := bytes.NewReader(b)
		c, err := h.Identify(r, 0, int64(len(b)))
		if err != nil {
			continue
		}
		s := NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		start := time.Now()
		end, _ := h.Extract(ctx, r, c, s)
		cancel()
		if d := time.Since(start); d > 2*time.Second || end != c.End {
			t.Fatalf("mutation %d: %v, end %d", i, d, end)
		}
	}
}
