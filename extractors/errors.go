package extractors

import (
	"errors"
	"fmt"
)

// ErrNotFormat means "not mine": Identify found no valid header. It is silent.
var ErrNotFormat = errors.New("not this format")

// FormatError is corrupt or truncated input found at Offset. It is recorded on
// the chunk; whatever was extracted before it is kept.
type FormatError struct {
	Format string
	Offset int64
	Msg    string
	Err    error
}

func (e *FormatError) Error() string {
	s := fmt.Sprintf("%s: at 0x%X: %s", e.Format, e.Offset, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FormatError) Unwrap() error { return e.Err }

// Errorf builds a FormatError.
func Errorf(format string, off int64, msg string, args ...any) error {
	return &FormatError{Format: format, Offset: off, Msg: fmt.Sprintf(msg, args...)}
}

// Wrap builds a FormatError around err.
func Wrap(format string, off int64, err error, msg string, args ...any) error {
	return &FormatError{Format: format, Offset: off, Msg: fmt.Sprintf(msg, args...), Err: err}
}

// NotFormat returns an error wrapping ErrNotFormat with a reason, for
// debugging. It formats nothing until asked: the engine gets one per failed
// candidate, and a blob full of one magic has millions.
func NotFormat(format, reason string) error {
	return &notFormat{format, reason}
}

type notFormat struct{ format, reason string }

func (e *notFormat) Error() string { return e.format + ": not this format: " + e.reason }
func (e *notFormat) Unwrap() error { return ErrNotFormat }

// LimitError is a budget that ran out. The chunk stops; the image goes on.
type LimitError struct {
	Limit string // "bytes", "file-bytes", "ratio", "files", "depth", "time"
	Value int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("budget %q exceeded (limit %d)", e.Limit, e.Value)
}

// PathError is a write the sink refused: traversal, absolute path, a link that
// would escape, a bad name.
type PathError struct {
	Path   string
	Reason string
}

func (e *PathError) Error() string { return fmt.Sprintf("refused %q: %s", e.Path, e.Reason) }

// IsFatal tells a handler whether to stop: budget and context errors end the
// chunk, refused paths only skip the entry.
func IsFatal(err error) bool {
	var pe *PathError
	return err != nil && !errors.As(err, &pe)
}
