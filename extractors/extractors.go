// Package extractors defines the contract between the unpacking engine and the
// format handlers: a Handler finds and sizes a chunk, then writes what it holds
// into a Sink. Format packages (extractors/squashfs, extractors/compress, ...)
// implement Handler; extractors/engine runs them. Nothing here knows of findings.
package extractors

import (
	"context"
	"io"
	"io/fs"
	"time"
)

// Level is a confidence level; it settles which of two overlapping chunks wins.
type Level uint8

const (
	Low Level = iota + 1
	Medium
	High
)

func (l Level) String() string {
	switch l {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return "none"
}

// Magic is a byte pattern that starts a chunk, Offset bytes after the chunk start
// (tar's "ustar" sits at 257). Patterns are at least two bytes long.
type Magic struct {
	Bytes  []byte
	Offset int64
}

// SizeHinter is a stream a handler gives Sink.Blob when it can guess the
// decoded size (gzip's trailer): the engine may start scanning the blob while
// it is written, and keeps that work only if the guess proves right.
type SizeHinter interface{ SizeHint() int64 }

// Hint tells the engine where, inside the same blob, a header says more chunks
// start (a TP-Link header's kernel at 0x200, a TRX partition). Format names the
// handler to try there; empty means every handler.
type Hint struct {
	Offset int64
	Size   int64 // when > 0, the part's length: what starts there is read no further
	Format string
	Name   string // what the header calls it: "kernel", "rootfs"
}

// Chunk is a validated match: the exact byte range [Start, End) of one instance
// of a format inside a blob. End is -1 when only decoding can tell where it ends
// (gzip, lzma-alone); Extract then returns it.
type Chunk struct {
	Start, End int64
	Confidence Level
	Info       string            // "squashfs 4.0 xz, 739 inodes"
	Attrs      map[string]string // structured header facts: "uimage.name", "fit.signed"
	Hints      []Hint
}

// Handler is one format family. Handlers are stateless and safe for concurrent use.
type Handler interface {
	// Name is used in layer paths, --skip and JSON; it is never renamed.
	Name() string
	// Magics lists the patterns the engine's single signature pass looks for.
	Magics() []Magic
	// Identify checks the header at off (the chunk start, not the magic's
	// position) of a blob of size bytes and returns the exact chunk, or an error
	// wrapping ErrNotFormat. It must be cheap and must not allocate by input.
	Identify(r io.ReaderAt, off, size int64) (Chunk, error)
	// Extract writes the chunk's contents only through dst and returns the offset
	// just past the last byte it consumed. On error, what was written is kept.
	Extract(ctx context.Context, r io.ReaderAt, c Chunk, dst Sink) (end int64, err error)
}

// Meta is what a filesystem or archive says about an entry. Mode carries the
// permission bits, setuid/setgid/sticky and, for Special, the type bits.
type Meta struct {
	Mode         fs.FileMode
	UID, GID     int64
	MTime        time.Time
	Major, Minor uint32 // device numbers, for Special
}

// Sink is the only write path of a handler. Names are slash-separated paths
// relative to the chunk root; the sink refuses any that escape it, enforces the
// budgets and records every entry. Implementations are safe for concurrent use,
// so a handler may decode blocks in parallel.
type Sink interface {
	Dir(name string, m Meta) error
	File(name string, m Meta, r io.Reader) error
	// Hardlink makes name another name of the already written target.
	Hardlink(name, target string) error
	// Symlink stores a link; it is never followed.
	Symlink(name, target string, m Meta) error
	// Special records a device node, fifo or socket; nothing is created on disk.
	Special(name string, m Meta) error
	// Blob writes a nested blob (a decompressed stream, a carved partition)
	// that the engine scans in the next round like the input image itself.
	Blob(name string, r io.Reader) error
	// Note records a fact about the chunk for the analyzer (e.g. "fit.signature").
	Note(key, value string)
}
