package engine

import "time"

// Limits are the budgets of one extraction. A budget hit stops the chunk that
// hit it, is recorded in the manifest, and the rest of the image goes on.
type Limits struct {
	TotalBytes     int64         // bytes written for the whole image
	FileBytes      int64         // bytes of one file or blob
	Ratio          float64       // bytes out per byte in, per chunk, once RatioFloor is passed
	RatioFloor     int64         // output size below which the ratio is not checked
	Files          int64         // entries written for the whole image
	Depth          int           // nesting of chunks
	HandlerTimeout time.Duration // wall time of one Extract call
	Timeout        time.Duration // wall time of the whole image's extraction; 0 means none
}

// DefaultLimits suits a lab scanning untrusted images on a 2-core, 24 GiB box:
// far above any real firmware, far below what a bomb would produce.
func DefaultLimits() Limits {
	return Limits{
		TotalBytes:     8 << 30,
		FileBytes:      2 << 30,
		Ratio:          200,
		RatioFloor:     64 << 20,
		Files:          1_000_000,
		Depth:          12,
		HandlerTimeout: 5 * time.Minute,
		Timeout:        30 * time.Minute,
	}
}
