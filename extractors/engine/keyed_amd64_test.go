//go:build !purego

package engine

import "testing"

// TestScanWithoutAVX2 runs the scan's tests on the Go path too.
func TestScanWithoutAVX2(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 here: the other tests ran the Go path")
	}
	useAVX2 = false
	defer func() { useAVX2 = true }()
	TestScanAgreesWithNaive(t)
	TestMagicWatchAgreesWithCursor(t)
}
