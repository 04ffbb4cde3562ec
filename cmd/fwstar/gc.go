package main

import (
	"os"
	"runtime"
	"runtime/debug"
)

// The collector's default pace (GOGC=100, a 4 MiB heap at least) suits large
// heaps, but an extraction's live heap is a few MiB (block buffers and the
// manifest) while it allocates tens of MiB: the collector ran three times
// while OpenWrt's 9 MB root file system was unpacked, 4-7 ms of its 120 ms
// (50 alternating runs). So fwstar starts at GOGC=400, which skips those
// cycles for a few MiB of RSS, and falls back to the default pace after the
// first collection that finds more than gcSmallHeap live, so that a large
// image or a scan's analysis does not hold five times its live heap.
const (
	gcSmallPercent = 400
	gcSmallHeap    = 16 << 20
)

// tuneGC sets that pace unless the user set GOGC.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(gcSmallPercent)
	watchHeap()
}

// watchHeap checks the live heap after the next collection (a cleanup runs
// once the collector finds its object unreachable) and again after each
// one, until the heap has grown past gcSmallHeap.
func watchHeap() {
	runtime.AddCleanup(new(gcSentinel), func(struct{}) {
		// HeapAlloc just after a collection is about the live heap.
		// (runtime/metrics has /gc/heap/live:bytes, but its package init
		// took 0.1-0.2 ms of every run's start.)
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > gcSmallHeap {
			debug.SetGCPercent(100)
			return
		}
		watchHeap()
	}, struct{}{})
}

// gcSentinel holds a pointer so that the tiny allocator, whose objects may
// never be released one by one, does not place it.
type gcSentinel struct{ _ *byte }
