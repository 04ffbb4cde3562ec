// Package sinktest is the test kit of the format handlers: an in-memory Sink
// with small budgets for unit and fuzz tests, and the ".tree" listing format
// that fixtures' expected contents are written in (made from the reference
// tool's output with treelist, never from ours).
package sinktest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/extractors"
)

// Entry is one line of a tree listing.
type Entry struct {
	Path, Type string // file, dir, symlink, hardlink, blob, char, block, fifo, socket
	Mode       uint32 // permission bits with setuid/setgid/sticky
	UID, GID   int64
	Size       int64
	SHA256     string // files; "-" otherwise
	Target     string // symlinks
}

func (e Entry) String() string {
	return fmt.Sprintf("%s\t%s\t%o\t%d\t%d\t%d\t%s\t%s", e.Path, e.Type, e.Mode, e.UID, e.GID, e.Size, e.SHA256, e.Target)
}

// Sink records entries in memory. It refuses names that escape, like the real
// sink, and stops after MaxBytes so fuzz targets cannot exhaust memory.
type Sink struct {
	MaxBytes int64
	mu       sync.Mutex
	Entries  map[string]*Entry
	Content  map[string][]byte // when KeepContent
	Notes    map[string]string
	Refused  []string
	bytes    int64
	keep     bool
}

// NewSink returns a sink with a 256 MiB budget; keep retains file contents.
func NewSink(keep bool) *Sink {
	return &Sink{MaxBytes: 256 << 20, Entries: map[string]*Entry{}, Content: map[string][]byte{}, Notes: map[string]string{}, keep: keep}
}

func (s *Sink) clean(name string) (string, error) {
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			s.mu.Lock()
			s.Refused = append(s.Refused, name)
			s.mu.Unlock()
			return "", &extractors.PathError{Path: name, Reason: "path traversal"}
		}
	}
	if strings.IndexByte(name, 0) >= 0 {
		return "", &extractors.PathError{Path: name, Reason: "NUL in name"}
	}
	p := strings.TrimPrefix(path.Clean("/"+name), "/")
	if p == "" {
		p = "."
	}
	return p, nil
}

func (s *Sink) put(e *Entry) {
	s.mu.Lock()
	s.Entries[e.Path] = e
	s.mu.Unlock()
}

func (s *Sink) Dir(name string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	s.put(&Entry{Path: p, Type: "dir", Mode: extractors.UnixPerm(m.Mode), UID: m.UID, GID: m.GID, SHA256: "-"})
	return nil
}

func (s *Sink) write(p, typ string, m extractors.Meta, r io.Reader) error {
	h := sha256.New()
	var w io.Writer = h
	var buf strings.Builder
	if s.keep {
		w = io.MultiWriter(h, &buf)
	}
	s.mu.Lock()
	left := s.MaxBytes - s.bytes
	s.mu.Unlock()
	n, err := io.Copy(w, io.LimitReader(r, left+1))
	s.mu.Lock()
	s.bytes += n
	s.mu.Unlock()
	if n > left {
		return &extractors.LimitError{Limit: "bytes", Value: s.MaxBytes}
	}
	e := &Entry{Path: p, Type: typ, Mode: extractors.UnixPerm(m.Mode), UID: m.UID, GID: m.GID, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	s.put(e)
	if s.keep {
		s.mu.Lock()
		s.Content[p] = []byte(buf.String())
		s.mu.Unlock()
	}
	return err
}

func (s *Sink) File(name string, m extractors.Meta, r io.Reader) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	return s.write(p, "file", m, r)
}

func (s *Sink) Blob(name string, r io.Reader) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	return s.write(p, "blob", extractors.Meta{Mode: 0o644}, r)
}

func (s *Sink) Hardlink(name, target string) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	t, err := s.clean(target)
	if err != nil {
		return err
	}
	s.mu.Lock()
	te := s.Entries[t]
	s.mu.Unlock()
	if te == nil {
		return &extractors.PathError{Path: name, Reason: "hard link to missing " + target}
	}
	e := *te
	e.Path = p
	s.put(&e)
	return nil
}

func (s *Sink) Symlink(name, target string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	s.put(&Entry{Path: p, Type: "symlink", Mode: 0o777, UID: m.UID, GID: m.GID, SHA256: "-", Target: target})
	return nil
}

func (s *Sink) Special(name string, m extractors.Meta) error {
	p, err := s.clean(name)
	if err != nil {
		return err
	}
	typ := "fifo"
	switch {
	case m.Mode&fs.ModeCharDevice != 0:
		typ = "char"
	case m.Mode&fs.ModeDevice != 0:
		typ = "block"
	case m.Mode&fs.ModeSocket != 0:
		typ = "socket"
	}
	s.put(&Entry{Path: p, Type: typ, Mode: extractors.UnixPerm(m.Mode), UID: m.UID, GID: m.GID, SHA256: "-"})
	return nil
}

func (s *Sink) Note(key, value string) {
	s.mu.Lock()
	s.Notes[key] = value
	s.mu.Unlock()
}

// List returns the recorded entries sorted by path, without the chunk root.
func (s *Sink) List() []Entry {
	var out []Entry
	for _, e := range s.Entries {
		if e.Path != "." {
			out = append(out, *e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// ReadTree parses a .tree listing.
func ReadTree(file string) ([]Entry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 8 {
			return nil, fmt.Errorf("%s: bad line %q", file, line)
		}
		mode, _ := strconv.ParseUint(c[2], 8, 32)
		uid, _ := strconv.ParseInt(c[3], 10, 64)
		gid, _ := strconv.ParseInt(c[4], 10, 64)
		size, _ := strconv.ParseInt(c[5], 10, 64)
		out = append(out, Entry{Path: c[0], Type: c[1], Mode: uint32(mode), UID: uid, GID: gid, Size: size, SHA256: c[6], Target: c[7]})
	}
	return out, sc.Err()
}

// Compare options: what the reference tool could not tell.
type Compare struct {
	IgnoreOwner bool // the reference was extracted without root
	IgnoreMode  bool
	IgnoreDirs  bool // the format has no directory entries of its own
	Hardlinks   bool // treat "hardlink" and "file" as the same type
}

// Diff lists the differences between got and want, at most 20.
func (o Compare) Diff(got, want []Entry) []string {
	norm := func(es []Entry) map[string]Entry {
		m := map[string]Entry{}
		for _, e := range es {
			if o.IgnoreDirs && e.Type == "dir" {
				continue
			}
			if o.IgnoreOwner {
				e.UID, e.GID = 0, 0
			}
			if o.IgnoreMode || e.Type == "symlink" {
				e.Mode = 0
			}
			if o.Hardlinks && e.Type == "hardlink" {
				e.Type = "file"
			}
			if e.Type == "dir" || e.Type == "symlink" {
				e.Size = 0
			}
			m[e.Path] = e
		}
		return m
	}
	g, w := norm(got), norm(want)
	var diffs []string
	for p, we := range w {
		ge, ok := g[p]
		switch {
		case !ok:
			diffs = append(diffs, "missing: "+we.String())
		case ge != we:
			diffs = append(diffs, "differs: got  "+ge.String()+"\n         want "+we.String())
		}
	}
	for p, ge := range g {
		if _, ok := w[p]; !ok {
			diffs = append(diffs, "extra:   "+ge.String())
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 20 {
		diffs = append(diffs[:20], fmt.Sprintf("... and %d more", len(diffs)-20))
	}
	return diffs
}
