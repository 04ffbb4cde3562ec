package archive7

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/ulikunitz/xz/lzma"

	"github.com/fwstar/fwstar/extractors"
)

// The library sizes slices from the header's counts, bounded only by 2^32:
// fifteen changed bytes make it allocate 500 GB and kill the process, which
// recover cannot catch. So the header is walked first (7zFormat.txt's
// grammar), and every count must fit in the bytes that are left.

const (
	// maxHeader caps a header, plain or decoded: about 100,000 files. With
	// every file named in at least 2 bytes, the library's per-file slices
	// then stay under about 300 MB even for a hostile header.
	maxHeader = 4 << 20
	maxCoders = 64
)

var (
	errEncrypted = errors.New("header is encrypted")
	errHeader    = errors.New("bad header")
)

type hdr struct {
	b   []byte
	pos int
	err error
}

func (h *hdr) fail(format string, args ...any) {
	if h.err == nil {
		h.err = fmt.Errorf("%w at byte %d: %s", errHeader, h.pos, fmt.Sprintf(format, args...))
	}
}

func (h *hdr) byte() byte {
	if h.pos >= len(h.b) {
		h.fail("cut short")
		return 0
	}
	h.pos++
	return h.b[h.pos-1]
}

func (h *hdr) bytes(n int) []byte {
	if n > len(h.b)-h.pos {
		h.fail("cut short")
		return nil
	}
	h.pos += n
	return h.b[h.pos-n : h.pos]
}

// num reads a 7z number: the leading one bits of the first byte count the
// little-endian bytes that follow; the rest of it is the top.
func (h *hdr) num() uint64 {
	first := h.byte()
	extra := bits.LeadingZeros8(^first)
	var v uint64
	for i := range extra {
		v |= uint64(h.byte()) << (8 * i)
	}
	if extra < 8 {
		v |= uint64(first&(0xFF>>(extra+1))) << (8 * extra)
	}
	return v
}

// count reads a number that sizes something stored in the header: it
// cannot be larger than the bytes left.
func (h *hdr) count() int {
	v := h.num()
	if v > uint64(len(h.b)-h.pos) {
		h.fail("count %d with %d bytes left", v, len(h.b)-h.pos)
		return 0
	}
	return int(v)
}

func (h *hdr) expect(id byte) {
	if b := h.byte(); b != id && h.err == nil {
		h.fail("property 0x%02X where 0x%02X belongs", b, id)
	}
}

// digests skips a CRC vector of n items.
func (h *hdr) digests(n int) {
	defined := n
	if h.byte() == 0 {
		defined = 0
		for _, b := range h.bytes((n + 7) / 8) {
			defined += bits.OnesCount8(b)
		}
	}
	h.bytes(4 * defined)
}

// coder is one coder of a folder.
type coder struct {
	id, props []byte
}

// streams is what a StreamsInfo says, as far as an encoded header needs.
type streams struct {
	packPos   uint64
	packSizes []uint64
	folders   [][]coder
	unpack    []uint64 // every folder's output sizes, in order
}

func (h *hdr) streamsInfo() *streams {
	s := &streams{}
	id := h.byte()
	if id == 0x06 { // PackInfo
		s.packPos = h.num()
		n := h.count()
		for h.err == nil {
			switch h.byte() {
			case 0x09:
				for range n {
					s.packSizes = append(s.packSizes, h.num())
				}
				continue
			case 0x0A:
				h.digests(n)
				continue
			case 0x00:
			default:
				h.fail("bad PackInfo property")
			}
			break
		}
		id = h.byte()
	}
	if id == 0x07 { // CodersInfo
		h.expect(0x0B)
		nf := h.count()
		if h.byte() != 0 {
			h.fail("external folders")
		}
		outs := 0
		for range nf {
			if h.err != nil {
				return s
			}
			f, out := h.folder()
			s.folders = append(s.folders, f)
			outs += out
		}
		h.expect(0x0C)
		for range outs {
			s.unpack = append(s.unpack, h.num())
		}
		if id = h.byte(); id == 0x0A {
			h.digests(nf)
			id = h.byte()
		}
		if id != 0 {
			h.fail("bad CodersInfo end")
		}
		id = h.byte()
	}
	if id == 0x08 { // SubStreamsInfo
		per := make([]int, len(s.folders))
		for i := range per {
			per[i] = 1
		}
		id = h.byte()
		if id == 0x0D {
			for i := range per {
				per[i] = h.count()
			}
			id = h.byte()
		}
		total := 0
		for _, n := range per {
			total += n
		}
		if id == 0x09 {
			for _, n := range per {
				for range max(n-1, 0) {
					h.num()
				}
			}
			id = h.byte()
		}
		if id == 0x0A {
			h.digests(total)
			id = h.byte()
		}
		if id != 0 {
			h.fail("bad SubStreamsInfo end")
		}
		id = h.byte()
	}
	if id != 0 {
		h.fail("bad StreamsInfo end")
	}
	return s
}

// folder reads a folder's coders and checks that its bind pairs and packed
// streams add up; it returns the coders and the count of output streams.
func (h *hdr) folder() ([]coder, int) {
	n := h.count()
	if n == 0 || n > maxCoders {
		h.fail("%d coders", n)
		return nil, 0
	}
	var cs []coder
	ins, outs := 0, 0
	for range n {
		flag := h.byte()
		c := coder{id: h.bytes(int(flag & 0x0F))}
		in, out := 1, 1
		if flag&0x10 != 0 {
			in, out = h.count(), h.count()
		}
		if flag&0x20 != 0 {
			c.props = h.bytes(h.count())
		}
		if flag&0x80 != 0 || in > maxCoders || out > maxCoders {
			h.fail("unsupported coder")
		}
		ins, outs = ins+in, outs+out
		cs = append(cs, c)
	}
	pairs := outs - 1
	if pairs < 0 || pairs >= ins {
		h.fail("%d bind pairs for %d inputs", pairs, ins)
		return cs, outs
	}
	for range 2 * pairs {
		h.num()
	}
	if packed := ins - pairs; packed > 1 {
		for range packed {
			h.num()
		}
	}
	return cs, outs
}

// checkHeader walks a plain header (kHeader); packed streams must lie in the
// first data bytes after the signature header.
func checkHeader(b []byte, data uint64) error {
	h := &hdr{b: b}
	h.expect(0x01)
	id := h.byte()
	if id == 0x02 { // ArchiveProperties
		for h.err == nil && h.byte() != 0 {
			h.bytes(h.count())
		}
		id = h.byte()
	}
	for _, want := range []byte{0x03, 0x04} { // additional and main streams
		if id == want {
			if s := h.streamsInfo(); h.err == nil {
				h.err = s.check(data)
			}
			id = h.byte()
		}
	}
	if id == 0x05 { // FilesInfo: every file has a name of at least 2 bytes
		if n := h.num(); n > uint64(len(b)-h.pos)/2 {
			h.fail("%d files", n)
		}
		for h.err == nil && h.num() != 0 {
			h.bytes(h.count())
		}
		id = h.byte()
	}
	if id != 0 && h.err == nil {
		h.fail("bad header end")
	}
	return h.err
}

// check refuses packed streams that do not fit in data bytes, and coders whose dictionary (LZMA, LZMA2) or model
// (PPMd) the decoder would allocate whole before any data, when it is far
// larger than the folder's output: 7-Zip fits them to the data, so a
// larger one is only there to exhaust memory.
func (s *streams) check(data uint64) error {
	end := s.packPos
	for _, n := range s.packSizes {
		if end += n; end > data || end < n {
			return fmt.Errorf("%w: packed streams end past the data (%d bytes)", errHeader, data)
		}
	}
	i := 0
	for _, f := range s.folders {
		var out uint64
		for range f {
			if i < len(s.unpack) {
				out = max(out, s.unpack[i])
			}
			i++
		}
		limit := min(max(2*out, 64<<20), 1<<30)
		for _, c := range f {
			var need uint64
			switch {
			case (bytes.Equal(c.id, idLZMA) || bytes.Equal(c.id, idPPMd)) && len(c.props) == 5:
				need = uint64(binary.LittleEndian.Uint32(c.props[1:]))
			case bytes.Equal(c.id, idLZMA2) && len(c.props) == 1 && c.props[0] <= 40:
				need = uint64(2|c.props[0]&1) << (c.props[0]/2 + 11)
			}
			if need > limit {
				return fmt.Errorf("%w: coder %X wants %d bytes for %d of output", errHeader, c.id, need, out)
			}
		}
	}
	return nil
}

var (
	idLZMA  = []byte{3, 1, 1}
	idLZMA2 = []byte{0x21}
	idPPMd  = []byte{3, 4, 1}
	idCopy  = []byte{0}
	idAES   = []byte{6, 0xF1, 7, 1}
)

// plainHeader returns the archive's header, decoding an encoded one: one
// folder of one LZMA (or copy) coder, as 7-Zip writes them. base is the
// archive start, for the packed stream's position.
func plainHeader(r io.ReaderAt, base int64, data uint64, next []byte) ([]byte, error) {
	if len(next) > maxHeader {
		return nil, fmt.Errorf("%w: header of %d bytes", errHeader, len(next))
	}
	if next[0] == 0x01 {
		return next, checkHeader(next, data)
	}
	h := &hdr{b: next, pos: 1}
	s := h.streamsInfo()
	if h.err != nil {
		return nil, h.err
	}
	if err := s.check(data); err != nil {
		return nil, err
	}
	for _, f := range s.folders {
		for _, c := range f {
			if bytes.Equal(c.id, idAES) {
				return nil, errEncrypted
			}
		}
	}
	if len(s.folders) != 1 || len(s.folders[0]) != 1 || len(s.packSizes) != 1 || len(s.unpack) != 1 {
		return nil, fmt.Errorf("%w: encoded header of %d folders", errHeader, len(s.folders))
	}
	c, size := s.folders[0][0], s.unpack[0]
	if size == 0 || size > maxHeader {
		return nil, fmt.Errorf("%w: encoded header of %d bytes", errHeader, size)
	}
	packed := io.NewSectionReader(r, base+signatureHeaderSize+int64(s.packPos), int64(s.packSizes[0]))
	var src io.Reader
	switch {
	case bytes.Equal(c.id, idCopy):
		src = packed
	case bytes.Equal(c.id, idLZMA) && len(c.props) == 5:
		// Give the stream the 13-byte header of an .lzma file, with a
		// dictionary no larger than the output, which is all it can use.
		var lh [13]byte
		lh[0] = c.props[0]
		dict := min(binary.LittleEndian.Uint32(c.props[1:]), uint32(max(size, lzma.MinDictCap)))
		binary.LittleEndian.PutUint32(lh[1:], dict)
		binary.LittleEndian.PutUint64(lh[5:], size)
		zr, err := lzma.NewReader(io.MultiReader(bytes.NewReader(lh[:]), packed))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errHeader, err)
		}
		src = zr
	default:
		return nil, fmt.Errorf("%w: encoded header coder %X", errHeader, c.id)
	}
	out := make([]byte, size)
	if _, err := io.ReadFull(src, out); err != nil {
		return nil, fmt.Errorf("%w: %v", errHeader, err)
	}
	if out[0] != 0x01 {
		return nil, fmt.Errorf("%w: decoded header is not plain", errHeader)
	}
	return out, checkHeader(out, data)
}

// checkArchive reads the next header of the chunk and checks it.
func checkArchive(r io.ReaderAt, c extractors.Chunk) error {
	b, err := extractors.ReadAt(r, c.Start, signatureHeaderSize, c.End)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	data := le.Uint64(b[12:])
	next, err := extractors.ReadAt(r, c.Start+signatureHeaderSize+int64(data), int(le.Uint64(b[20:])), c.End)
	if err != nil {
		return err
	}
	_, err = plainHeader(r, c.Start, data, next)
	return err
}
