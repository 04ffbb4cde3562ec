package model

import (
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/engine"
)

// File is one entry of one chunk of the extracted image.
type File struct {
	Path  string // layer path: "fw.bin@0x11B0A0:squashfs/etc/shadow"
	Chunk *engine.Chunk
	Entry *engine.Entry
	Disk  string // where its content is on disk; empty for links, dirs and specials
}

// Name is the path inside its chunk: "etc/shadow".
func (f *File) Name() string { return f.Entry.Path }

// Base is the last element of Name.
func (f *File) Base() string { return path.Base(f.Entry.Path) }

// Regular tells whether the file has content: a file, a hard link or a blob.
func (f *File) Regular() bool { return f.Disk != "" }

// Tree is the read-only view of an extraction that every pass gets.
type Tree struct {
	Root     string
	Manifest *engine.Manifest
	files    []*File
	byChunk  map[*engine.Chunk]map[string]*File
}

// NewTree indexes the manifest of an extraction written under root.
func NewTree(m *engine.Manifest, root string) *Tree {
	t := &Tree{Root: root, Manifest: m, byChunk: map[*engine.Chunk]map[string]*File{}}
	for _, c := range m.Chunks {
		if len(c.Entries) == 0 {
			continue
		}
		idx := map[string]*File{}
		t.byChunk[c] = idx
		for _, e := range c.Entries {
			f := &File{Path: c.Layer + "/" + e.Path, Chunk: c, Entry: e}
			switch e.Type {
			case engine.TypeFile, engine.TypeHardlink, engine.TypeBlob:
				f.Disk = filepath.Join(root, c.Dir, filepath.FromSlash(e.Path))
			}
			idx[e.Path] = f
			t.files = append(t.files, f)
		}
	}
	sort.Slice(t.files, func(i, j int) bool { return t.files[i].Path < t.files[j].Path })
	return t
}

// Files returns every entry of every chunk, sorted by layer path.
func (t *Tree) Files() []*File { return t.files }

// Regular returns the entries that have content.
func (t *Tree) Regular() []*File {
	var out []*File
	for _, f := range t.files {
		if f.Regular() {
			out = append(out, f)
		}
	}
	return out
}

// Glob returns the entries whose in-chunk path matches any pattern. Patterns
// are slash paths where "*" matches within one element and "**" matches any
// number of elements, none included: "**/etc/shadow", "etc/init.d/*".
func (t *Tree) Glob(patterns ...string) []*File {
	var out []*File
	for _, f := range t.files {
		for _, p := range patterns {
			if Match(p, f.Entry.Path) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// Match reports whether name matches the glob pattern (see Glob).
func Match(pattern, name string) bool {
	return matchParts(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchParts(p, n []string) bool {
	for len(p) > 0 {
		if p[0] == "**" {
			for i := 0; i <= len(n); i++ {
				if matchParts(p[1:], n[i:]) {
					return true
				}
			}
			return false
		}
		if len(n) == 0 {
			return false
		}
		if ok, _ := path.Match(p[0], n[0]); !ok {
			return false
		}
		p, n = p[1:], n[1:]
	}
	return len(n) == 0
}

// Open opens a file's content.
func (t *Tree) Open(f *File) (*os.File, error) {
	if f.Disk == "" {
		return nil, fmt.Errorf("%s: no content (%s)", f.Path, f.Entry.Type)
	}
	return os.OpenFile(f.Disk, os.O_RDONLY|extractors.NoPoll, 0)
}

// ReadFile reads at most max bytes of a file's content.
func (t *Tree) ReadFile(f *File, max int64) ([]byte, error) {
	r, err := t.Open(f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, max))
}

// Lookup resolves p inside the chunk of f as the device would see it: an
// absolute p starts at the chunk root, a relative one at f's folder, and
// symlinks are followed inside the chunk only (a chroot), never on the host.
// It returns nil when p does not exist there.
func (t *Tree) Lookup(f *File, p string) *File {
	idx := t.byChunk[f.Chunk]
	if idx == nil {
		return nil
	}
	if !strings.HasPrefix(p, "/") {
		p = path.Join("/", path.Dir(f.Entry.Path), p)
	}
	return resolve(idx, p, 0)
}

// LookupIn resolves an absolute path inside a chunk (see Lookup).
func (t *Tree) LookupIn(c *engine.Chunk, p string) *File {
	idx := t.byChunk[c]
	if idx == nil {
		return nil
	}
	return resolve(idx, path.Join("/", p), 0)
}

const maxHops = 40 // as Linux's MAXSYMLINKS

func resolve(idx map[string]*File, p string, hops int) *File {
	parts := strings.Split(strings.Trim(path.Clean(p), "/"), "/")
	cur := ""
	for i, part := range parts {
		if part == "" {
			continue
		}
		next := part
		if cur != "" {
			next = cur + "/" + part
		}
		f := idx[next]
		if f == nil {
			return nil
		}
		if f.Entry.Type == engine.TypeSymlink {
			if hops >= maxHops {
				return nil
			}
			target := f.Entry.Target
			if !strings.HasPrefix(target, "/") {
				target = path.Join("/", cur, target)
			}
			rest := strings.Join(parts[i+1:], "/")
			return resolve(idx, path.Join(target, rest), hops+1)
		}
		cur = next
	}
	if cur == "" {
		return nil
	}
	return idx[cur]
}

// RootFS is a chunk that holds a root filesystem: it has etc/ and one of bin/,
// sbin/ or lib/ at its top.
type RootFS struct {
	Chunk *engine.Chunk
	Layer string
	Dir   string // on disk
}

// RootFSes returns the chunks that look like root filesystems.
func (t *Tree) RootFSes() []RootFS {
	var out []RootFS
	for _, c := range t.Manifest.Chunks {
		idx := t.byChunk[c]
		if idx == nil || idx["etc"] == nil {
			continue
		}
		if idx["bin"] != nil || idx["sbin"] != nil || idx["lib"] != nil || idx["usr"] != nil {
			out = append(out, RootFS{Chunk: c, Layer: c.Layer, Dir: filepath.Join(t.Root, c.Dir)})
		}
	}
	return out
}

// InChunk returns the entries of one chunk.
func (t *Tree) InChunk(c *engine.Chunk) map[string]*File { return t.byChunk[c] }
