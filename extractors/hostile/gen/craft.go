package gen

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// Crafted returns the cases written by the real format writers with hostile
// content, and the committed seeds made by the Debian tools.
func (g *Generator) Crafted() ([]Case, error) {
	var out []Case
	for _, f := range []func() ([]Case, error){g.tarCases, g.zipCases, g.committed, g.squashfsNames, g.nested, g.bombs, g.floods} {
		cs, err := f()
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// entry is one tar or zip member to write.
type entry struct {
	name, link string
	typ        byte // tar type flag
	body       string
	mode       int64
}

var epoch = time.Unix(1600000000, 0)

func writeTar(w io.Writer, es []entry) error {
	tw := tar.NewWriter(w)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: e.mode, ModTime: epoch, Format: tar.FormatPAX}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if e.typ == tar.TypeChar || e.typ == tar.TypeBlock {
			h.Devmajor, h.Devminor = 1, 3
		}
		if e.typ == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("tar %q: %w", e.name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			return err
		}
	}
	return tw.Close()
}

func tarBytes(es []entry) ([]byte, error) {
	var b bytes.Buffer
	err := writeTar(&b, es)
	return b.Bytes(), err
}

const (
	reg  = tar.TypeReg
	dir  = tar.TypeDir
	sym  = tar.TypeSymlink
	hard = tar.TypeLink
)

// escapeSets are the member lists that try to leave the output root: names
// that climb, links that escape and then a write through them, hard links to
// outside, device nodes, odd names and entries that replace each other.
func escapeSets() map[string][]entry {
	long := strings.Repeat("d/", 300) + "deep"
	return map[string][]entry{
		"traversal": {
			{name: "../escape", typ: reg, body: "x"}, {name: "../../escape", typ: reg, body: "x"},
			{name: "a/../../escape", typ: reg, body: "x"}, {name: "./../escape", typ: reg, body: "x"},
			{name: "/../../../escape", typ: reg, body: "x"}, {name: Canary + "/abs", typ: reg, body: "absolute names land inside"},
			{name: "/etc/passwd", typ: reg, body: "root::0:0::/:/bin/sh\n"}, {name: "..", typ: dir}, {name: "../", typ: dir},
		},
		"symlink-write": {
			{name: "rootlink", link: "/", typ: sym}, {name: "rootlink" + Canary + "/through-root", typ: reg, body: "x"},
			{name: "up", link: "..", typ: sym}, {name: "up/through-up", typ: reg, body: "x"},
			{name: "l1", link: "..", typ: sym}, {name: "l2", link: "l1/..", typ: sym}, {name: "l2/through-chain", typ: reg, body: "x"},
			{name: "canary", link: Canary, typ: sym}, {name: "canary/through-canary", typ: reg, body: "x"},
			{name: "canary/sub", typ: dir}, {name: "up/newdir", typ: dir},
			{name: "sub", typ: dir}, {name: "inner", link: "sub", typ: sym}, {name: "inner/through-inner", typ: reg, body: "x"},
		},
		"symlink-replace": {
			{name: "f", link: Canary + "/overwritten", typ: sym}, {name: "f", typ: reg, body: "replaces the link"},
			{name: "g", link: "../outside", typ: sym}, {name: "g", typ: reg, body: "replaces the link"},
			{name: "x", typ: dir}, {name: "x", typ: reg, body: "file over dir"}, {name: "x", link: "/", typ: sym},
			{name: "x/etc/y", typ: reg, body: "through a link that replaced a dir"},
		},
		"hardlink": {
			{name: "h1", link: "../outside", typ: hard}, {name: "h2", link: "/etc/passwd", typ: hard},
			{name: "h3", link: Canary + "/x", typ: hard}, {name: "s", link: "/etc/passwd", typ: sym},
			{name: "h4", link: "s", typ: hard}, {name: "h5", link: "h5", typ: hard}, {name: "rootlink", link: "/", typ: sym},
			{name: "h6", link: "rootlink/etc/passwd", typ: hard}, {name: "real", typ: reg, body: "real"},
			{name: "h7", link: "real", typ: hard}, {name: "h7", typ: reg, body: "replaces a hard link: must not write through to real"},
		},
		"devices": {
			{name: "dev/null", typ: tar.TypeChar, mode: 0o666}, {name: "dev/sda", typ: tar.TypeBlock, mode: 0o660},
			{name: "dev/fifo", typ: tar.TypeFifo, mode: 0o644}, {name: "../dev/escape", typ: tar.TypeChar},
			{name: "dev/null/inside", typ: reg, body: "x"},
		},
		"names": {
			{name: "new\nline", typ: reg, body: "x"}, {name: "bad\xff\xfeutf8", typ: reg, body: "x"},
			{name: "tab\tand\rcr", typ: reg, body: "x"}, {name: long, typ: reg, body: "x"},
			{name: strings.Repeat("n", 4000), typ: reg, body: "x"}, {name: "back\\..\\..\\slash", typ: reg, body: "x"},
			{name: "dot/./././x", typ: reg, body: "x"}, {name: "//double//slash", typ: reg, body: "x"},
			{name: "CON", typ: reg, body: "x"}, {name: "\u202Eevil", typ: reg, body: "x"},
		},
	}
}

// tarCases writes each escape set as a tar, one with a NUL inside a real
// header's name (archive/tar refuses to write it, so the byte is set in the
// written header and the checksum recomputed), and the many-files tar.
func (g *Generator) tarCases() ([]Case, error) {
	var out []Case
	for name, es := range escapeSets() {
		b, err := tarBytes(es)
		if err != nil {
			return nil, err
		}
		out = append(out, Case{Name: "crafted/tar/" + name, Family: "tar", Kind: name, Build: bytesOf(b), Escapes: escapes})
	}
	b, err := tarBytes([]entry{{name: "nulXname", typ: reg, body: "x"}, {name: "ok", typ: reg, body: "y"}})
	if err != nil {
		return nil, err
	}
	b[3] = 0
	fixTar(b, 0)
	out = append(out, Case{Name: "crafted/tar/nul-name", Family: "tar", Kind: "names", Build: bytesOf(b)})
	n := g.Opt.TinyFiles
	out = append(out, Case{Name: fmt.Sprintf("crafted/tar/many-%d", n), Family: "tar", Kind: "many", Big: true, Build: func(w io.Writer) error {
		tw := tar.NewWriter(w)
		for i := range n {
			// ustar names, one header block each: the smallest real tar entry.
			h := &tar.Header{Name: fmt.Sprintf("d%03d/f%07d", i%1000, i), Mode: 0o644, ModTime: epoch, Typeflag: reg, Format: tar.FormatUSTAR}
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
		}
		return tw.Close()
	}})
	return out, nil
}

// escapes are the host paths the crafted links aim at.
var escapes = []string{Canary, "/etc/y", "/escape", "/outside"}

// zipCases writes the escape sets with archive/zip (symlinks as Unix mode
// bits in the external attributes, like Info-ZIP), plus an overlapping-entry
// bomb: one deflated member of zeros that a thousand central directory
// entries all point at.
func (g *Generator) zipCases() ([]Case, error) {
	var out []Case
	for name, es := range escapeSets() {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, e := range es {
			h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: epoch}
			body := e.body
			switch e.typ {
			case sym:
				h.SetMode(0o777 | 1<<27) // fs.ModeSymlink
				body = e.link
			case dir:
				h.Name = strings.TrimSuffix(e.name, "/") + "/"
				h.SetMode(0o755 | 1<<31)
			case hard:
				continue // zip has no hard links
			default:
				h.SetMode(0o644)
			}
			w, err := zw.CreateHeader(h)
			if err != nil {
				return nil, err
			}
			io.WriteString(w, body)
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		out = append(out, Case{Name: "crafted/zip/" + name, Family: "zip", Kind: name, Build: bytesOf(b.Bytes()), Escapes: escapes})
	}
	// NUL and backslashes in a name: zip stores raw bytes.
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range []string{"nul\x00name", "..\\..\\escape", "C:\\Windows\\x", "a/../../escape"} {
		w, err := zw.Create(n)
		if err != nil {
			return nil, err
		}
		io.WriteString(w, "x")
	}
	zw.Close()
	out = append(out, Case{Name: "crafted/zip/names", Family: "zip", Kind: "names", Build: bytesOf(b.Bytes())})

	out = append(out, Case{Name: "crafted/zip/overlap-bomb", Family: "zip", Kind: "bomb", Big: true, Build: func(w io.Writer) error {
		z, err := overlapZip(g.Opt.BombBytes/16, 1000)
		if err != nil {
			return err
		}
		_, err = w.Write(z)
		return err
	}})
	return out, nil
}

// overlapZip writes a real zip of one deflated member of n zero bytes, then
// repeats its central directory record k times under new names, all pointing
// at the same local header, and rewrites the end record's counts.
func overlapZip(n int64, k int) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "z000", Method: zip.Deflate, Modified: epoch})
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, io.LimitReader(zeros{}, n)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	z := b.Bytes()
	eocd := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cdOff := int(binary.LittleEndian.Uint32(z[eocd+16:]))
	rec := bytes.Clone(z[cdOff:eocd])
	out := bytes.Clone(z[:eocd])
	for i := 1; i < k; i++ {
		r := bytes.Clone(rec)
		copy(r[46:], fmt.Sprintf("z%03d", i%1000)) // same name length
		out = append(out, r...)
	}
	end := bytes.Clone(z[eocd:])
	binary.LittleEndian.PutUint16(end[8:], uint16(k))
	binary.LittleEndian.PutUint16(end[10:], uint16(k))
	binary.LittleEndian.PutUint32(end[12:], uint32(len(rec)*k))
	return append(out, end...), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// committed are the seeds gen.sh made with the Debian tools, as they are.
func (g *Generator) committed() ([]Case, error) {
	var out []Case
	for _, c := range []struct{ file, family, kind string }{
		{"traversal-newc.cpio", "cpio", "traversal"}, {"traversal-odc.cpio", "cpio", "traversal"},
		{"newline.cpio", "cpio", "names"}, {"symlink-write.cpio", "cpio", "symlink-write"},
		{"sparse-bomb.sqfs", "squashfs", "bomb"}, {"zeros.jffs2", "jffs2", "bomb"},
		{"sparse-bomb.ubifs", "ubifs", "bomb"}, {"sparse-bomb.cramfs", "cramfs", "bomb"},
		{"bomb.lzma", "lzma", "bomb"},
	} {
		b, err := g.hostileSeed(c.file)
		if err != nil {
			return nil, err
		}
		out = append(out, Case{Name: "hostile/testdata/" + c.file, Family: c.family, Kind: c.kind, Build: bytesOf(b), Escapes: escapes, Big: c.kind == "bomb"})
		if c.family == "cpio" {
			for _, m := range g.Mutations(Seed{Name: "hostile/testdata/" + c.file, Family: c.family, Data: b}, g.Opt.PerSeed) {
				m.Escapes = escapes
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// squashfsNames rewrites the real names of names.sqfs (mksquashfs with
// uncompressed metadata) in its directory table and the real symlink target
// in its inode table, each to a hostile string of the same length.
func (g *Generator) squashfsNames() ([]Case, error) {
	img, err := g.hostileSeed("names.sqfs")
	if err != nil {
		return nil, err
	}
	var out []Case
	repl := []string{"../../../escape1", Canary[:16], "a/../../../../xx", "................",
		"escape\x00AAAAAAAAA", "new\nline\nname..", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0",
		"link/../../../xx", "..", "/", ".", "..//..//..//../x", "dir/AAAAAAAAAAAA"}
	for _, old := range []string{"AAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBB", "CCCCCCCCCCCCCCCC"} {
		if !bytes.Contains(img, []byte(old)) {
			return nil, fmt.Errorf("names.sqfs lacks %q", old)
		}
		for i, r := range repl {
			n := []byte(r)
			if len(n) < len(old) {
				n = append(n, bytes.Repeat([]byte{'/'}, len(old)-len(n))...)
			}
			b := bytes.ReplaceAll(img, []byte(old), n[:len(old)])
			out = append(out, Case{Name: fmt.Sprintf("hostile/testdata/names.sqfs/%c=%d", old[0], i), Family: "squashfs", Kind: "traversal", Build: bytesOf(b), Escapes: escapes})
		}
	}
	return out, nil
}

// compressor wraps w in one real encoder.
type compressor struct {
	name string
	wrap func(io.Writer) (io.WriteCloser, error)
}

var compressors = []compressor{
	{"gzip", func(w io.Writer) (io.WriteCloser, error) { return gzip.NewWriterLevel(w, gzip.BestCompression) }},
	{"zstd", func(w io.Writer) (io.WriteCloser, error) {
		return zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	}},
	{"xz", func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) }},
	{"lzma", func(w io.Writer) (io.WriteCloser, error) { return lzma.NewWriter(w) }},
	{"lz4", func(w io.Writer) (io.WriteCloser, error) { return lz4.NewWriter(w), nil }},
}

func compress(c compressor, data []byte) ([]byte, error) {
	var b bytes.Buffer
	w, err := c.wrap(&b)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(data); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// nested wraps a real file Nest times: gzip of gzip..., every compressor in
// turn, and tar/zip/gzip in turn (archives holding the previous layer).
func (g *Generator) nested() ([]Case, error) {
	seed, err := readFixture(g.Root, "extractors/compress/testdata/src2.txt")
	if err != nil {
		return nil, err
	}
	var out []Case
	chains := map[string]func(i int, b []byte) ([]byte, error){
		"gzip": func(_ int, b []byte) ([]byte, error) { return compress(compressors[0], b) },
		"mixed": func(i int, b []byte) ([]byte, error) {
			return compress(compressors[i%len(compressors)], b)
		},
		"archives": func(i int, b []byte) ([]byte, error) {
			switch i % 3 {
			case 0:
				return tarBytes([]entry{{name: fmt.Sprintf("layer%d", i), typ: reg, body: string(b)}})
			case 1:
				var z bytes.Buffer
				zw := zip.NewWriter(&z)
				w, err := zw.Create(fmt.Sprintf("layer%d", i))
				if err != nil {
					return nil, err
				}
				w.Write(b)
				return z.Bytes(), zw.Close()
			}
			return compress(compressors[0], b)
		},
	}
	for name, step := range chains {
		b := seed
		for i := range g.Opt.Nest {
			if b, err = step(i, b); err != nil {
				return nil, err
			}
		}
		out = append(out, Case{Name: fmt.Sprintf("crafted/nest/%s-%d", name, g.Opt.Nest), Family: "engine", Kind: "nest", Build: bytesOf(b)})
	}
	return out, nil
}

func (g *Generator) fixture(name string) ([]byte, error) {
	for _, s := range g.Seeds {
		if s.Name == name {
			return s.Data, nil
		}
	}
	return nil, fmt.Errorf("fixture %s not among the seeds", name)
}

// bombs streams BombBytes of zeros through every Go encoder, takes the
// CLI-made bombs committed in compress/testdata, and appends a bomb to the
// real demo image (whose own chunks must still be reported).
func (g *Generator) bombs() ([]Case, error) {
	var out []Case
	for _, c := range compressors {
		n := g.Opt.BombBytes
		if c.name == "xz" || c.name == "lzma" {
			n = min(n, 256<<20) // the pure-Go LZMA encoder is slow; 256 MiB is 4x the file budget
		}
		out = append(out, Case{Name: fmt.Sprintf("crafted/bomb/%s-%dMiB", c.name, n>>20), Family: c.name, Kind: "bomb", Big: true,
			Build: func(w io.Writer) error {
				cw, err := c.wrap(w)
				if err != nil {
					return err
				}
				if _, err := io.Copy(cw, io.LimitReader(zeros{}, n)); err != nil {
					return err
				}
				return cw.Close()
			}})
	}
	for _, f := range []string{"bomb.gz", "bomb.xz", "bomb.zst", "bomb.bz2", "bomb.lz4"} {
		b, err := readFixture(g.Root, "extractors/compress/testdata/"+f)
		if err != nil {
			continue // another package's fixture; absent in a partial checkout
		}
		out = append(out, Case{Name: "compress/testdata/" + f, Family: family("compress", f), Kind: "bomb", Big: true, Build: bytesOf(b)})
	}
	demo, err := g.fixture("samples/demo-router.bin")
	if err != nil {
		return out, nil
	}
	out = append(out, Case{Name: "samples/demo-router.bin+gzip-bomb", Family: "engine", Kind: "bomb", Big: true,
		Want: []string{"uimage", "squashfs", "gzip"},
		Build: func(w io.Writer) error {
			gz, err := compress(compressors[0], make([]byte, 96<<20))
			if err != nil {
				return err
			}
			w.Write(demo)
			_, err = w.Write(gz)
			return err
		}})
	return out, nil
}

// floods are blobs made of one magic repeated: every position is a candidate
// for some handler. The engine must hold a window of candidates, not one per
// byte, and give up at its deadline. Plain (8 MiB) and gzip-wrapped (48 MiB
// once decompressed) for the 2-byte JFFS2 and gzip magics, squashfs', tar's
// (at 257 in 512-byte steps, each a valid-looking header start) and UBI's.
func (g *Generator) floods() ([]Case, error) {
	var out []Case
	for _, m := range []struct {
		name string
		unit []byte
	}{
		{"jffs2", []byte{0x85, 0x19}}, {"gzip", []byte{0x1f, 0x8b}}, {"squashfs", []byte("hsqs")},
		{"ubi", []byte("UBI#")}, {"lz4", []byte{0x04, 0x22, 0x4d, 0x18}},
	} {
		for _, wrap := range []bool{false, true} {
			n := 8 << 20
			if wrap {
				n = 48 << 20
			}
			name := fmt.Sprintf("crafted/flood/%s-%dMiB", m.name, n>>20)
			if wrap {
				name += ".gz"
			}
			out = append(out, Case{Name: name, Family: "engine", Kind: "flood", Big: wrap, Build: func(w io.Writer) error {
				flood := bytes.Repeat(m.unit, n/len(m.unit))
				if !wrap {
					_, err := w.Write(flood)
					return err
				}
				gz, err := compress(compressors[0], flood)
				if err != nil {
					return err
				}
				_, err = w.Write(gz)
				return err
			}})
		}
	}
	return out, nil
}
