package archive

import (
	"io"
	"os"
)

// blobSize finds the size of the blob behind r. Extract is not told it, and a
// chunk whose end only walking can tell must still not read past it: the
// engine's *os.File and the tests' readers say it; other readers are probed.
func blobSize(r io.ReaderAt) int64 {
	switch v := r.(type) {
	case interface{ Size() int64 }:
		return v.Size()
	case *os.File:
		if fi, err := v.Stat(); err == nil {
			return fi.Size()
		}
	}
	var b [1]byte
	lo, hi := int64(0), int64(1)
	for {
		if n, _ := r.ReadAt(b[:], hi-1); n == 0 {
			break
		}
		lo, hi = hi, hi*2
		if hi > 1<<50 {
			return lo
		}
	}
	for lo+1 < hi { // size is in [lo, hi)
		mid := (lo + hi) / 2
		if n, _ := r.ReadAt(b[:], mid-1); n == 1 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
