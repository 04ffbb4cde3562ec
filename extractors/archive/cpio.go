package archive

import (
	"context"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// CPIO handles cpio archives in the newc, crc, odc and old binary formats.
type CPIO struct{}

func (CPIO) Name() string { return "cpio" }

// Magics: the three ASCII magics and the binary one in both byte orders. The
// binary magic is only two bytes, so Identify demands two valid headers.
func (CPIO) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte("070701")}, {Bytes: []byte("070702")}, {Bytes: []byte("070707")},
		{Bytes: []byte{0xC7, 0x71}}, {Bytes: []byte{0x71, 0xC7}},
	}
}

func (CPIO) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, 2, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("cpio", "short")
	}
	if m, err := extractors.ReadAt(r, off, 6, size); err == nil {
		b = m
	}
	f, ok := cpioFormatAt(b)
	if !ok {
		return extractors.Chunk{}, extractors.NotFormat("cpio", "no magic")
	}
	h, err := readCPIOHeader(r, off, off, size, f)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("cpio", err.Error())
	}
	conf := extractors.High
	if f == cpioBinLE || f == cpioBinBE {
		// A two-byte magic: also demand a second valid header (or the trailer).
		if h.name != cpioTrailer {
			if _, err := readCPIOHeader(r, off, h.next, size, f); err != nil {
				return extractors.Chunk{}, extractors.NotFormat("cpio", "second header: "+err.Error())
			}
		}
		conf = extractors.Medium
	}
	return extractors.Chunk{Start: off, End: -1, Confidence: conf, Info: "cpio " + f.String(),
		Attrs: map[string]string{"cpio.format": f.String()}}, nil
}

// cpioBlock is the record size GNU cpio pads its output to.
const cpioBlock = 512

// inode identifies a file for hard links: device and inode number.
type inode struct{ dev, ino uint64 }

func (CPIO) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	size := blobSize(r)
	hb, err := extractors.ReadAt(r, c.Start, 6, size)
	if err != nil {
		hb, _ = extractors.ReadAt(r, c.Start, 2, size)
	}
	f, ok := cpioFormatAt(hb)
	if !ok {
		return c.Start, extractors.Errorf("cpio", c.Start, "no magic")
	}
	r = newCPIOAhead(r)
	x := cpioExtract{r: r, dst: dst, format: f, written: map[inode]string{}, pending: map[inode][]pendingLink{}}
	pos := c.Start
	for {
		if err := ctx.Err(); err != nil {
			return pos, err
		}
		h, err := readCPIOHeader(r, c.Start, pos, size, f)
		if err != nil {
			x.flush()
			return pos, err
		}
		// The last padding may be missing at the very end of a blob.
		next := min(h.next, size)
		if h.name == cpioTrailer {
			if err := x.flush(); extractors.IsFatal(err) {
				return next, err
			}
			return cpioPadding(r, c.Start, next, size), x.err
		}
		if err := x.entry(h); extractors.IsFatal(err) {
			return pos, err
		}
		pos = next
	}
}

// cpioPadding extends end over the zero bytes cpio writes up to its next
// 512-byte record, when they are all there.
func cpioPadding(r io.ReaderAt, start, end, size int64) int64 {
	pad := (cpioBlock - (end-start)%cpioBlock) % cpioBlock
	if pad == 0 {
		return end
	}
	b, err := extractors.ReadAt(r, end, int(pad), size)
	if err != nil {
		return end
	}
	for _, v := range b {
		if v != 0 {
			return end
		}
	}
	return end + pad
}

type cpioExtract struct {
	r       io.ReaderAt
	dst     extractors.Sink
	format  cpioFormat
	written map[inode]string        // hard-linked files already written, by inode
	pending map[inode][]pendingLink // newc links seen before the one that carries the data
	err     error                   // first checksum mismatch; extraction goes on
}

func (x *cpioExtract) entry(h cpioHeader) error {
	m := unixMeta(h.mode, h.uid, h.gid, h.mtime)
	m.Major, m.Minor = h.rmajor, h.rminor
	switch h.mode & extractors.SIFMT {
	case extractors.SIFDIR:
		return x.dst.Dir(h.name, m)
	case extractors.SIFLNK:
		if h.size == 0 || h.size > cpioMaxName {
			return extractors.Errorf("cpio", h.data, "%q: symlink target of %d bytes", h.name, h.size)
		}
		t, err := extractors.ReadAt(x.r, h.data, int(h.size), h.data+h.size)
		if err != nil {
			return extractors.Wrap("cpio", h.data, err, "symlink target")
		}
		return x.dst.Symlink(h.name, string(t), m)
	case extractors.SIFCHR, extractors.SIFBLK, extractors.SIFIFO, extractors.SIFSOCK:
		return x.dst.Special(h.name, m)
	}
	// A regular file. Hard links share (dev, ino) and have nlink > 1.
	key := inode{h.dev, h.ino}
	linked := h.nlink > 1 && h.ino != 0
	if linked {
		if first, ok := x.written[key]; ok {
			// newc stores the data once; odc and bin repeat it with every name.
			return x.dst.Hardlink(h.name, first)
		}
		if h.size == 0 && (x.format == cpioNewc || x.format == cpioCRC) {
			x.pending[key] = append(x.pending[key], pendingLink{h.name, m})
			return nil
		}
	}
	var data io.Reader = io.NewSectionReader(x.r, h.data, h.size)
	var sum *crcSum
	if x.format == cpioCRC {
		sum = &crcSum{r: data}
		data = sum
	}
	if err := x.dst.File(h.name, m, data); err != nil {
		return err
	}
	if sum != nil && sum.sum != h.check && x.err == nil {
		x.err = extractors.Errorf("cpio", h.data, "%q: data sum %#x, header says %#x", h.name, sum.sum, h.check)
	}
	if linked {
		x.written[key] = h.name
		for _, p := range x.pending[key] {
			if err := x.dst.Hardlink(p.name, h.name); extractors.IsFatal(err) {
				return err
			}
		}
		delete(x.pending, key)
	}
	return nil
}

// flush writes the links whose data never came (all of them empty files):
// the first as an empty file, the rest linked to it.
func (x *cpioExtract) flush() error {
	for _, links := range x.pending {
		if err := x.dst.File(links[0].name, links[0].meta, eofReader{}); extractors.IsFatal(err) {
			return err
		}
		for _, p := range links[1:] {
			if err := x.dst.Hardlink(p.name, links[0].name); extractors.IsFatal(err) {
				return err
			}
		}
	}
	x.pending = map[inode][]pendingLink{}
	return nil
}

type pendingLink struct {
	name string
	meta extractors.Meta
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// crcSum adds up the data bytes as the crc format's "checksum" does.
type crcSum struct {
	r   io.Reader
	sum uint32
}

func (c *crcSum) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for _, b := range p[:n] {
		c.sum += uint32(b)
	}
	return n, err
}
