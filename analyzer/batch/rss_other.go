//go:build !unix

package batch

// peakRSS is not measured on this OS.
func peakRSS() int64 { return 0 }
