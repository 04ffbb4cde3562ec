package engine

import "sync"

// early is the scan of a file taken as soon as its handler wrote it, beside
// the handler still unpacking the rest of the chunk: the second look at a
// file system's files then overlaps its unpacking instead of following it.
// What the scan finds is held back until the chunk is done. It stands when
// the file's entry is still the write that was scanned; otherwise it is
// removed, its budget given back, and the usual scan of the name's last
// write follows (so that the two never write the same folders at once).
type early struct {
	entry *Entry // the write scanned

	mu      sync.Mutex
	out     *output // the held results, once the scan is done
	decided bool
	valid   bool
	next    *job // the usual scan to run once a discarded one is cleaned up
}

// scanned takes the scan's held results.
func (x *early) scanned(o *output) {
	x.mu.Lock()
	x.out = o
	ready := x.decided
	x.mu.Unlock()
	if ready {
		x.apply()
	}
}

// judge records the verdict of the chunk once its handler is done; next is
// the usual scan to run instead, if any.
func (x *early) judge(valid bool, next *job) {
	x.mu.Lock()
	x.decided, x.valid, x.next = true, valid, next
	ready := x.out != nil
	x.mu.Unlock()
	if ready {
		x.apply()
	}
}

// apply runs once, by whichever of scanned and judge comes last.
func (x *early) apply() {
	if x.valid {
		x.out.publish()
		return
	}
	x.out.discard()
	if x.next != nil {
		x.out.r.push(*x.next)
	}
}
