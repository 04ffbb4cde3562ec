package sbom

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"io"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/rules/fingerprints"
)

// detection is one fingerprint found in one file.
type detection struct {
	fp      *fingerprints.Fingerprint
	version string
	method  string
	conf    string
	ev      model.Evidence
	owner   string // layer path of the file, to match package file lists
}

// pattern is one keyword of the scanner, with what it belongs to.
type pattern struct {
	fp *fingerprints.Fingerprint
	p  *fingerprints.Pattern
	kw []byte
}

// scanner finds every fingerprint keyword in one pass over a file: a table
// indexed by the keyword's first two bytes says which keywords may start at
// a position, so most bytes cost one load and one test. The regexes then run
// only on a window around each keyword hit.
type scanner struct {
	fps   []*fingerprints.Fingerprint
	pats  []pattern
	first [1 << 16]uint16 // 2-byte prefix -> 1 + index into lists
	lists [][]int         // indices into pats
	// sonames tells whether any fingerprint matches SONAMEs.
	sonames bool
}

func newScanner(fps []*fingerprints.Fingerprint) *scanner {
	s := &scanner{fps: fps}
	for _, fp := range fps {
		for i := range fp.Strings {
			p := &fp.Strings[i]
			s.pats = append(s.pats, pattern{fp: fp, p: p, kw: p.KeywordBytes()})
		}
		if len(fp.SONAMEs) > 0 {
			s.sonames = true
		}
	}
	for i, p := range s.pats {
		h := uint16(p.kw[0])<<8 | uint16(p.kw[1])
		if s.first[h] == 0 {
			s.lists = append(s.lists, nil)
			s.first[h] = uint16(len(s.lists))
		}
		s.lists[s.first[h]-1] = append(s.lists[s.first[h]-1], i)
	}
	return s
}

// Block sizes of the content scan. A keyword hit's window reaches at most
// maxWindow bytes on either side, so blocks overlap by twice that.
const (
	blockSize = 8 << 20
	maxWindow = fingerprints.MaxWindow
	// maxTries bounds the regex runs of one pattern in one file whose
	// keyword is common but whose regex does not match.
	maxTries = 256
)

// scan runs the fingerprints over every regular file of t, on all cores, and
// reads Go build info from Go binaries.
func (s *scanner) scan(ctx context.Context, t *model.Tree) ([]detection, []*pkgEntry, error) {
	covered := coveredRanges(t)
	files := t.Regular()
	work := make(chan *model.File)
	var mu sync.Mutex
	var dets []detection
	var goPkgs []*pkgEntry
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			buf := make([]byte, blockSize+2*maxWindow)
			for f := range work {
				d, g := s.scanFile(t, f, covered[f.Path], buf)
				mu.Lock()
				dets = append(dets, d...)
				goPkgs = append(goPkgs, g...)
				mu.Unlock()
			}
		})
	}
	var err error
	for _, f := range files {
		if err = ctx.Err(); err != nil {
			break
		}
		work <- f
	}
	close(work)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	// Workers finish in any order; sort for deterministic merging.
	slices.SortFunc(dets, func(a, b detection) int {
		if c := strings.Compare(a.ev.Path, b.ev.Path); c != 0 {
			return c
		}
		if c := strings.Compare(a.fp.ID, b.fp.ID); c != 0 {
			return c
		}
		return int(a.ev.Offset - b.ev.Offset)
	})
	slices.SortFunc(goPkgs, func(a, b *pkgEntry) int { return strings.Compare(a.ev.Path+a.purl, b.ev.Path+b.purl) })
	return dets, goPkgs, nil
}

// span is a byte range [off, end) of a file.
type span struct{ off, end int64 }

// coveredRanges maps a file's layer path to the ranges of it that known
// chunks with entries re-present (a squashfs inside a firmware blob, the cpio
// in a decompressed stream). Those bytes are scanned as the chunk's files,
// so the scan of the blob skips them and a version string is not reported
// twice, once under the container and once under the file.
func coveredRanges(t *model.Tree) map[string][]span {
	out := map[string][]span{}
	for _, c := range t.Manifest.Chunks {
		if c.Kind == "known" && len(c.Entries) > 0 {
			out[c.Parent] = append(out[c.Parent], span{c.Offset, c.Offset + c.Size})
		}
	}
	for k, v := range out {
		slices.SortFunc(v, func(a, b span) int { return int(a.off - b.off) })
		out[k] = v
	}
	return out
}

// gaps returns the parts of [0, size) outside covered.
func gaps(size int64, covered []span) []span {
	var out []span
	pos := int64(0)
	for _, c := range covered {
		if c.off > pos {
			out = append(out, span{pos, min(c.off, size)})
		}
		pos = max(pos, c.end)
	}
	if pos < size {
		out = append(out, span{pos, size})
	}
	return out
}

// fileState is what the scan of one file found so far.
type fileState struct {
	t       *model.Tree
	f       *model.File
	binary  bool
	done    []bool // per pattern: matched
	tries   []int
	found   map[string]detection // per fingerprint and method: the first detection
	inFiles map[*fingerprints.Fingerprint]bool
}

func (s *scanner) scanFile(t *model.Tree, f *model.File, covered []span, buf []byte) ([]detection, []*pkgEntry) {
	r, err := t.Open(f)
	if err != nil {
		return nil, nil
	}
	defer r.Close()
	fi, err := r.Stat()
	if err != nil || fi.Size() == 0 {
		return nil, nil
	}
	size := fi.Size()
	st := &fileState{t: t, f: f, done: make([]bool, len(s.pats)), tries: make([]int, len(s.pats)),
		found: map[string]detection{}, inFiles: map[*fingerprints.Fingerprint]bool{}}
	head := make([]byte, 4096)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	isELF := bytes.HasPrefix(head, []byte("\x7fELF"))
	// Text files (scripts, documentation, configuration) and message
	// catalogs often mention versions of other software; only binaries,
	// and files a fingerprint names, are searched.
	st.binary = isELF || (bytes.IndexByte(head, 0) >= 0 && !isMessageCatalog(head))
	for _, fp := range s.fps {
		if fp.InFiles(f.Name()) {
			st.inFiles[fp] = true
		}
		if v, ok := fp.MatchName(f.Base()); ok {
			st.add(fp, v, model.MethodFileName, model.ConfMedium, model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256})
		}
	}
	for _, g := range gaps(size, covered) {
		for off := g.off; off < g.end; off += blockSize {
			start := max(g.off, off-2*maxWindow)
			end := min(g.end, off+blockSize)
			m, err := r.ReadAt(buf[:end-start], start)
			if err != nil && err != io.EOF {
				break
			}
			s.scanBlock(st, buf[:m], start, off-start)
		}
	}
	var goPkgs []*pkgEntry
	if isELF {
		st.dropLinked(r)
		if s.sonames {
			s.soname(st, r)
		}
		goPkgs = goBuildInfo(f, r)
	}
	out := make([]detection, 0, len(st.found))
	for _, d := range st.found {
		out = append(out, d)
	}
	return out, goPkgs
}

// scanBlock looks for keywords in b, which starts at file offset base; hits
// before skip were seen in the previous block.
func (s *scanner) scanBlock(st *fileState, b []byte, base, skip int64) {
	for i := int(skip); i+1 < len(b); i++ {
		li := s.first[uint16(b[i])<<8|uint16(b[i+1])]
		if li == 0 {
			continue
		}
		for _, pi := range s.lists[li-1] {
			pt := &s.pats[pi]
			if st.done[pi] || !bytes.HasPrefix(b[i:], pt.kw) {
				continue
			}
			in := st.inFiles[pt.fp]
			if (pt.p.FilesOnly && !in) || (!st.binary && !in) {
				continue
			}
			if st.tries[pi]++; st.tries[pi] > maxTries {
				continue
			}
			w := min(pt.p.WindowSize(), maxWindow) &^ 1 // even, for UTF-16 alignment
			lo := max(0, i-w)
			if (i-lo)%2 != 0 {
				lo++
			}
			hi := min(len(b), i+len(pt.kw)+w)
			v, at, ok := pt.p.Match(b[lo:hi])
			if !ok {
				continue
			}
			st.done[pi] = true
			conf := model.ConfMedium
			if in {
				conf = model.ConfHigh
			}
			off := base + int64(lo+at)
			st.add(pt.fp, v, model.MethodString, conf, model.Evidence{
				Path: st.f.Path, Offset: off, Length: int64(len(v)), SHA256: st.f.Entry.SHA256,
				Excerpt: excerpt(b[max(lo, min(i, lo+at)-48):min(hi, max(i+len(pt.kw), lo+at+len(v))+48)]),
			})
		}
	}
}

// add records a detection, keeping per fingerprint and method the first
// that has a version.
func (st *fileState) add(fp *fingerprints.Fingerprint, v, method, conf string, ev model.Evidence) {
	key := fp.ID + "\x00" + method
	if old, ok := st.found[key]; ok && (old.version != "" || v == "") {
		return
	}
	st.found[key] = detection{fp: fp, version: v, method: method, conf: conf, ev: ev, owner: st.f.Path}
}

// dropLinked removes library detections outside the library's own files
// from an ELF that loads that library: the string there is the header
// version it was compiled against (hostapd prints OPENSSL_VERSION_TEXT),
// not code it carries.
func (st *fileState) dropLinked(r io.ReaderAt) {
	var needed []string
	parsed := false
	for k, d := range st.found {
		if d.fp.Type != "library" || st.inFiles[d.fp] {
			continue
		}
		if !parsed {
			needed, parsed = importedLibraries(r), true
		}
		for _, n := range needed {
			if slices.ContainsFunc(d.fp.Files, func(g string) bool {
				ok, _ := path.Match(path.Base(g), n)
				return ok
			}) {
				delete(st.found, k)
				break
			}
		}
	}
}

func importedLibraries(r io.ReaderAt) (libs []string) {
	defer func() { _ = recover() }() // debug/elf on hostile input
	ef, err := elf.NewFile(r)
	if err != nil {
		return nil
	}
	libs, _ = ef.ImportedLibraries()
	return libs
}

// excerpt is the printable text of a window, for reports.
func excerpt(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		switch {
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		case sb.Len() > 0 && !strings.HasSuffix(sb.String(), " "):
			sb.WriteByte(' ')
		}
	}
	return strings.TrimSpace(sb.String())
}

// soname matches an ELF's DT_SONAME against the fingerprints.
func (s *scanner) soname(st *fileState, r io.ReaderAt) {
	defer func() { _ = recover() }() // debug/elf on hostile input; a bad ELF has no SONAME
	ef, err := elf.NewFile(r)
	if err != nil {
		return
	}
	names, err := ef.DynString(elf.DT_SONAME)
	if err != nil || len(names) == 0 {
		return
	}
	for _, fp := range s.fps {
		if v, ok := fp.MatchSONAME(names[0]); ok {
			st.add(fp, v, model.MethodSONAME, model.ConfLow, model.Evidence{Path: st.f.Path, Offset: -1, SHA256: st.f.Entry.SHA256, Excerpt: "SONAME " + names[0]})
		}
	}
}

// goBuildInfo reads the module list a Go binary embeds (debug/buildinfo):
// the main module, its dependencies and the Go toolchain (standard library).
func goBuildInfo(f *model.File, r *os.File) (out []*pkgEntry) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	bi, err := buildinfo.Read(r)
	if err != nil {
		return nil
	}
	ev := model.Evidence{Path: f.Path, Offset: -1, SHA256: f.Entry.SHA256}
	add := func(path, version, typ string) {
		if path == "" || version == "" || version == "(devel)" {
			return
		}
		ns, name := "", path
		if i := strings.LastIndexByte(path, '/'); i > 0 {
			ns, name = path[:i], path[i+1:]
		}
		out = append(out, &pkgEntry{eco: "golang", name: path, version: version, typ: typ,
			purl: newPURL("golang", ns, name, version), layerChunk: f.Chunk.Layer, ev: ev, files: []string{f.Path}})
	}
	add(bi.Main.Path, bi.Main.Version, "application")
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		add(d.Path, d.Version, "library")
	}
	add("stdlib", strings.TrimPrefix(bi.GoVersion, "go"), "library")
	return out
}

// isMessageCatalog tells a GNU gettext .mo file by its magic, either order.
func isMessageCatalog(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0xde, 0x12, 0x04, 0x95}) || bytes.HasPrefix(head, []byte{0x95, 0x04, 0x12, 0xde})
}
