package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// fwstar starts at GOGC=400 unless the user set GOGC, and returns to the
// default pace once a collection finds a live heap past gcSmallHeap.
func TestTuneGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "123")
	debug.SetGCPercent(123)
	tuneGC()
	if p := gogc(); p != 123 {
		t.Fatalf("GOGC=123 set by the user, pace now %d", p)
	}

	t.Setenv("GOGC", "")
	tuneGC()
	if p := gogc(); p != gcSmallPercent {
		t.Fatalf("pace %d, want %d", p, gcSmallPercent)
	}
	for range 3 { // a small heap keeps the pace
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if p := gogc(); p != gcSmallPercent {
		t.Fatalf("pace %d after collections of a small heap, want %d", p, gcSmallPercent)
	}
	live := make([]byte, 2*gcSmallHeap)
	for i := range live {
		live[i] = byte(i)
	}
	for deadline := time.Now().Add(10 * time.Second); gogc() != 100; {
		if time.Now().After(deadline) {
			t.Fatalf("pace still %d with %d MiB live", gogc(), len(live)>>20)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
}
