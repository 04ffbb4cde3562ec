package uefi

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Limits against hostile images. edk2 builds nest a volume in a compressed
// section in a file in a volume: 4 levels. Each volume, file, compressed or
// GUID-defined section counts one.
const (
	maxDepth = 32
	// maxInflated bounds the bytes decompressed in memory per chunk.
	maxInflated = 256 << 20
)

// walker walks one top-level volume and everything nested in it.
type walker struct {
	ctx      context.Context
	dst      extractors.Sink
	names    map[string]int // output names used, to keep them unique
	inflated int64
	stats    stats
	problems []string
}

type stats struct {
	Volumes, Files, PE, TE, Raw, Variables int
}

// fileCtx gathers what a file's sections say, so modules can be named by the
// UI section that follows them.
type fileCtx struct {
	f      ffsFile
	ui     string
	images []image
}

type image struct {
	ext  string // ".efi", ".te", ".bin"
	data []byte
}

// problem records damage and goes on: a firmware image with one bad file
// still has its other modules.
func (w *walker) problem(format string, args ...any) {
	if len(w.problems) < 100 {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	}
}

// fatal errors stop the walk: budgets and the context.
func (w *walker) fatal(err error) bool { return err != nil && extractors.IsFatal(err) }

func (w *walker) volume(b []byte, depth int, where string) error {
	if depth > maxDepth {
		w.problem("%s: nesting deeper than %d", where, maxDepth)
		return nil
	}
	if err := w.ctx.Err(); err != nil {
		return err
	}
	v, err := parseVolume(b)
	if err != nil {
		w.problem("%s: volume: %v", where, err)
		return nil
	}
	if v.Length < uint64(len(b)) {
		b = b[:v.Length]
	} else if v.Length > uint64(len(b)) {
		w.problem("%s: volume of %d bytes, %d present", where, v.Length, len(b))
	}
	if err := v.extHeader(b); err != nil {
		w.problem("%s: %v", where, err)
		return nil
	}
	w.stats.Volumes++
	switch v.FS {
	case guidFFS2, guidFFS3:
	case guidNVRAM:
		return w.nvram(b[v.HeaderLen:], where)
	default:
		w.problem("%s: file system %s not known", where, v.FS)
		return nil
	}
	ffs3 := v.FS == guidFFS3
	for off := v.DataOff; off < len(b); {
		f, ok, err := parseFile(b[off:], v.Erase, ffs3)
		if err != nil {
			w.problem("%s+0x%X: %v", where, off, err)
			return nil
		}
		if !ok {
			break
		}
		if f.live() && f.Type != ftPad {
			w.stats.Files++
			if !f.dataSumOK(b[off:]) {
				w.problem("%s+0x%X: file %s: data checksum mismatch", where, off, f.Name)
			}
			if err := w.file(f, b[off+f.HeaderLen:off+f.Size], depth+1, fmt.Sprintf("%s+0x%X", where, off)); err != nil {
				return err
			}
		}
		off = align(off+f.Size, 8)
	}
	return nil
}

func (w *walker) file(f ffsFile, data []byte, depth int, where string) error {
	fc := &fileCtx{f: f}
	switch f.Type {
	case ftRaw:
		// Raw files hold no sections: a reset vector, microcode, a logo.
		fc.images = append(fc.images, image{ext: ".bin", data: data})
	default:
		if err := w.sections(fc, data, depth, where); err != nil {
			return err
		}
	}
	return w.emit(fc)
}

func (w *walker) sections(fc *fileCtx, b []byte, depth int, where string) error {
	if depth > maxDepth {
		w.problem("%s: nesting deeper than %d", where, maxDepth)
		return nil
	}
	for off := 0; off < len(b); off = align(off, 4) {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		if len(b)-off < 4 {
			break // alignment padding at the end
		}
		s, err := parseSection(b[off:])
		if err != nil {
			w.problem("%s section at 0x%X: %v", where, off, err)
			return nil
		}
		at := fmt.Sprintf("%s/0x%X", where, off)
		off += s.Size
		switch s.Type {
		case secPE32:
			fc.images = append(fc.images, image{".efi", s.Body})
		case secTE:
			fc.images = append(fc.images, image{".te", s.Body})
		case secPIC, secRaw, secCompat16:
			fc.images = append(fc.images, image{".bin", s.Body})
		case secFreeformSub:
			if len(s.Body) >= 16 {
				fc.images = append(fc.images, image{".bin", s.Body[16:]})
			}
		case secUI:
			fc.ui = ucs2(s.Body)
		case secFVImage:
			if err := w.volume(s.Body, depth+1, at); err != nil {
				return err
			}
		case secCompression:
			if err := w.compressed(fc, s, depth+1, at); err != nil {
				return err
			}
		case secGUIDDefined:
			if err := w.guided(fc, b[off-s.Size:off], s, depth+1, at); err != nil {
				return err
			}
		case secDisposable, secDXEDepex, secPEIDepex, secMMDepex, secVersion:
		default:
			w.problem("%s: section type 0x%02X not known", at, s.Type)
		}
	}
	return nil
}

// compressed handles EFI_COMPRESSION_SECTION: UncompressedLength, then the
// compression type: 0 none, 1 the EFI/Tiano standard compression.
func (w *walker) compressed(fc *fileCtx, s section, depth int, where string) error {
	if len(s.Body) < 5 {
		w.problem("%s: compression section truncated", where)
		return nil
	}
	n := int64(binary.LittleEndian.Uint32(s.Body))
	data := s.Body[5:]
	switch s.Body[4] {
	case 0:
	case 1:
		if n > w.budget() {
			w.problem("%s: %d bytes declared, over the %d-byte decompression budget", where, n, w.budget())
			return nil
		}
		out, err := decompressEFI(data, n)
		w.inflated += int64(len(out))
		if err != nil {
			w.problem("%s: %v", where, err)
			return nil
		}
		data = out
	default:
		w.problem("%s: compression type %d", where, s.Body[4])
		return nil
	}
	return w.sections(fc, data, depth, where)
}

// guided handles EFI_GUID_DEFINED_SECTION: GUID, DataOffset, Attributes.
func (w *walker) guided(fc *fileCtx, raw []byte, s section, depth int, where string) error {
	hdr := len(raw) - len(s.Body)
	if len(s.Body) < 20 {
		w.problem("%s: GUID-defined section truncated", where)
		return nil
	}
	g := guidAt(s.Body)
	dataOff := int(binary.LittleEndian.Uint16(s.Body[16:]))
	attr := binary.LittleEndian.Uint16(s.Body[18:])
	if dataOff < hdr+20 || dataOff > len(raw) {
		w.problem("%s: GUID-defined data offset %d", where, dataOff)
		return nil
	}
	data := raw[dataOff:]
	switch g {
	case guidLZMA, guidLZMAF86:
		out, err := decompressLZMA(data, w.budget())
		w.inflated += int64(len(out))
		if err != nil {
			w.problem("%s: LZMA: %v", where, err)
			return nil
		}
		if g == guidLZMAF86 {
			unBCJx86(out)
		}
		data = out
	case guidTiano:
		if len(data) < 8 {
			w.problem("%s: Tiano section truncated", where)
			return nil
		}
		n := int64(binary.LittleEndian.Uint32(data[4:]))
		if n > w.budget() {
			w.problem("%s: %d bytes declared, over the %d-byte decompression budget", where, n, w.budget())
			return nil
		}
		out, err := decompressTiano(data, n)
		w.inflated += int64(len(out))
		if err != nil {
			w.problem("%s: Tiano: %v", where, err)
			return nil
		}
		data = out
	case guidCRC32:
		// EFI_CRC32_GUIDED_SECTION_HEADER adds the CRC32 of the data.
		if len(s.Body) < 24 {
			w.problem("%s: CRC32 section truncated", where)
			return nil
		}
		if want := binary.LittleEndian.Uint32(s.Body[20:]); crc32IEEE(data) != want {
			w.problem("%s: CRC32 guided section: checksum mismatch", where)
		}
	default:
		if attr&guidedProcessingRequired != 0 {
			w.problem("%s: GUID-defined section %s needs processing not known", where, g)
			return nil
		}
	}
	return w.sections(fc, data, depth, where)
}

// budget is how many bytes the next decompression may produce.
func (w *walker) budget() int64 { return max(0, min(extractors.MaxAlloc, maxInflated-w.inflated)) }

// emit writes a file's modules, named "<GUID>_<UI name><ext>".
func (w *walker) emit(fc *fileCtx) error {
	seen := map[string]int{}
	for _, im := range fc.images {
		base := fc.f.Name.String()
		if fc.ui != "" {
			base += "_" + safeName(fc.ui)
		}
		// A second image of a kind in one file gets a number.
		if n := seen[im.ext]; n > 0 {
			base += fmt.Sprintf("-%d", n)
		}
		seen[im.ext]++
		name := base + im.ext
		if n := w.names[name]; n > 0 {
			name = fmt.Sprintf("%s~%d%s", base, n+1, im.ext)
		}
		w.names[base+im.ext]++
		var err error
		switch im.ext {
		case ".efi":
			w.stats.PE++
			err = w.dst.File(name, extractors.Meta{Mode: 0o644}, bytes.NewReader(im.data))
		case ".te":
			w.stats.TE++
			err = w.dst.File(name, extractors.Meta{Mode: 0o644}, bytes.NewReader(im.data))
		default:
			w.stats.Raw++
			err = w.dst.Blob(name, bytes.NewReader(im.data))
		}
		if w.fatal(err) {
			return err
		}
	}
	return nil
}

// safeName keeps a UI name readable and a single path element.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' || r == ':' {
			return '_'
		}
		return r
	}, s)
	if len(s) > 100 {
		s = s[:100]
	}
	if s == "." || s == ".." {
		s = "_"
	}
	return s
}
