package engine

import (
	"errors"
	"os"
	"sync"
)

// growing is a blob that a scan reads while a handler is still writing it:
// a gzip'd cpio is unpacked on one core as it is decompressed on the other,
// as `gzip -dc | cpio -i` does. The handler guesses the blob's size (gzip's
// ISIZE); reads wait until their bytes are on disk or the blob is done. The
// scan's results are held back and kept only when the blob ended at exactly
// that size and is still the blob its chunk left: then every read and every
// size the handlers were told equal those of a scan of the finished blob.
type growing struct {
	f    *os.File
	size int64  // the guessed size
	name string // the blob's path, as a usual scan's *os.File names it

	mu    sync.Mutex
	cond  sync.Cond
	n     int64 // bytes on disk
	want  int64 // the least end a waiting read needs; 0: none waits
	done  bool
	err   error // why the write stopped early
	abort bool  // the guess was judged wrong: reads fail at once

	once          sync.Once
	decided       chan struct{}
	valid, rescan bool
}

var errDiscarded = errors.New("engine: blob scan discarded")

func newGrowing(f *os.File, size int64) *growing {
	g := &growing{f: f, size: size, decided: make(chan struct{})}
	g.cond.L = &g.mu
	return g
}

// Write is told the bytes that have just reached the file.
func (g *growing) Write(p []byte) (int, error) {
	g.mu.Lock()
	g.n += int64(len(p))
	wake := g.want > 0 && g.n >= g.want
	if wake {
		g.want = 0
	}
	g.mu.Unlock()
	if wake {
		// Only when a read can go on: a waiting 1 MiB read is not woken
		// for each 32 KiB written.
		g.cond.Broadcast()
	}
	return len(p), nil
}

// finish marks the end of the write.
func (g *growing) finish(err error) {
	g.mu.Lock()
	g.done, g.err = true, err
	g.mu.Unlock()
	g.cond.Broadcast()
}

func (g *growing) ReadAt(p []byte, off int64) (int, error) {
	if off >= 0 {
		end := off + int64(len(p))
		g.mu.Lock()
		for !g.done && !g.abort && g.n < end {
			if g.want == 0 || end < g.want {
				g.want = end
			}
			g.cond.Wait()
		}
		abort := g.abort
		g.mu.Unlock()
		if abort {
			return 0, errDiscarded
		}
	}
	return g.f.ReadAt(p, off)
}

// Name and Size are what handlers learn from the *os.File of a usual scan.
func (g *growing) Name() string { return g.name }
func (g *growing) Size() int64  { return g.size }

// judge decides, once the chunk that wrote the blob is done, whether the scan
// stands: e is the blob's entry now, want whether a usual scan would run.
func (g *growing) judge(e *Entry, want bool) {
	g.mu.Lock()
	ok := g.done && g.err == nil && g.n == g.size
	g.mu.Unlock()
	valid := ok && want && e.Type == TypeBlob && e.Size == g.size
	g.decide(valid, want && !valid)
}

// decide records the verdict (the first one counts); rescan asks for a usual
// scan once the discarded one is cleaned up.
func (g *growing) decide(valid, rescan bool) {
	g.once.Do(func() {
		g.valid, g.rescan = valid, rescan
		close(g.decided)
		if !valid {
			g.mu.Lock()
			g.abort = true
			g.mu.Unlock()
			g.cond.Broadcast()
		}
	})
}

// wait returns the verdict.
func (g *growing) wait() (valid, rescan bool) {
	<-g.decided
	return g.valid, g.rescan
}

func (g *growing) close() { g.f.Close() }
