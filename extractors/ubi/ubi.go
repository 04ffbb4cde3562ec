package ubi

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// UBI handles UBI images: it writes each volume as a blob named after the
// volume, which the engine scans again (for UBIFS, squashfs, a kernel).
type UBI struct{}

func (UBI) Name() string { return "ubi" }

func (UBI) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("UBI#\x01")}}
}

// layout is the PEB geometry of an image.
type layout struct {
	start, peb int64
	count      int64 // PEBs with a valid EC header of this image, from start on
	first      ecHeader
}

func (l layout) end() int64 { return l.start + l.count*l.peb }

// minPEB and maxPEB bound the erase block sizes tried: NOR flash has 4 KiB
// sectors at least, NAND blocks are at most a few MiB.
const (
	minPEB = 4 << 10
	maxPEB = 8 << 20
)

// probe finds the PEB size (the distance to the next EC header of the same
// image) and how many PEBs follow in a row.
func probe(r io.ReaderAt, off, size int64) (layout, error) {
	b, err := extractors.ReadAt(r, off, hdrSize, size)
	if err != nil {
		return layout{}, extractors.NotFormat("ubi", "short header")
	}
	first, ok := parseEC(b)
	if !ok {
		return layout{}, extractors.NotFormat("ubi", "bad EC header")
	}
	same := func(at int64) bool {
		b, err := extractors.ReadAt(r, at, hdrSize, size)
		if err != nil {
			return false
		}
		h, ok := parseEC(b)
		return ok && h.imageSeq == first.imageSeq
	}
	l := layout{start: off, first: first}
	for p := int64(minPEB); p <= maxPEB; p *= 2 {
		if p > int64(first.dataOffset) && same(off+p) {
			l.peb = p
			break
		}
	}
	if l.peb == 0 {
		return layout{}, extractors.NotFormat("ubi", "no second erase block")
	}
	for l.count = 2; l.end()+l.peb <= size && same(l.end()); l.count++ {
	}
	return l, nil
}

func (UBI) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	l, err := probe(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	// The last PEB may be cut short by the end of the blob.
	end := min(l.end(), size)
	return extractors.Chunk{Start: off, End: end, Confidence: extractors.High,
		Info:  fmt.Sprintf("ubi, %d PEBs of %d KiB", l.count, l.peb>>10),
		Attrs: map[string]string{"ubi.peb_size": fmt.Sprint(l.peb), "ubi.image_seq": fmt.Sprint(l.first.imageSeq)}}, nil
}

// leb is one copy of a logical erase block.
type leb struct {
	pos int64 // absolute offset of the data
	vid vidHeader
}

type lebKey struct{ vol, lnum uint32 }

func (UBI) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	l, err := probe(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("ubi", c.Start, err, "header")
	}
	end := c.End
	copies := map[lebKey][]leb{}
	var badVID int
	for i := range l.count {
		if err := ctx.Err(); err != nil {
			return end, err
		}
		at := l.start + i*l.peb
		b, err := extractors.ReadAt(r, at, hdrSize, end)
		if err != nil {
			break
		}
		ec, ok := parseEC(b)
		if !ok || int64(ec.dataOffset) >= l.peb {
			continue
		}
		b, err = extractors.ReadAt(r, at+int64(ec.vidOffset), hdrSize, end)
		if err != nil {
			continue
		}
		if be.Uint32(b) == 0xFFFFFFFF {
			continue // a free PEB
		}
		// A volume cannot have more LEBs than the flash has PEBs.
		vid, ok := parseVID(b)
		if !ok || int64(vid.lnum) >= l.count || (vid.volType == volStatic && int64(vid.usedEBs) > l.count) {
			badVID++
			continue
		}
		k := lebKey{vid.volID, vid.lnum}
		copies[k] = append(copies[k], leb{pos: at + int64(ec.dataOffset), vid: vid})
	}
	if badVID > 0 {
		dst.Note("ubi.bad_vid_headers", fmt.Sprint(badVID))
	}
	lebSize := l.peb - int64(l.first.dataOffset)
	v := &volumes{r: r, end: end, lebSize: lebSize, lebs: map[lebKey]leb{}}
	for k, cs := range copies {
		v.lebs[k] = v.newest(cs)
	}
	vols, err := v.table()
	if err != nil {
		return end, err
	}
	var names []string
	for _, vol := range vols {
		if err := ctx.Err(); err != nil {
			return end, err
		}
		rd, n := v.reader(vol)
		name := blobName(vol)
		names = append(names, fmt.Sprintf("%s(id %d, %s, %d bytes)", name, vol.id, typeName(vol.volType), n))
		if err := dst.Blob(name, rd); extractors.IsFatal(err) {
			return end, err
		}
	}
	dst.Note("ubi.volumes", strings.Join(names, ", "))
	if v.badCRC > 0 {
		dst.Note("ubi.bad_data_crc", fmt.Sprint(v.badCRC))
	}
	return end, nil
}

func typeName(t uint8) string {
	if t == volStatic {
		return "static"
	}
	return "dynamic"
}

// blobName is the volume's name made safe as one path segment.
func blobName(v volume) string {
	n := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, v.name)
	if n == "" || n == "." || n == ".." {
		n = fmt.Sprintf("vol%d", v.id)
	}
	return n
}

// volumes resolves LEBs to PEBs and reads volumes.
type volumes struct {
	r       io.ReaderAt
	end     int64
	lebSize int64
	lebs    map[lebKey]leb
	badCRC  int
}

// newest picks the copy with the highest sequence number. A copy made by
// wear-levelling (copy_flag) counts only if its data CRC holds: the copy may
// have been cut by a power loss.
func (v *volumes) newest(cs []leb) leb {
	sort.Slice(cs, func(a, b int) bool { return cs[a].vid.sqnum > cs[b].vid.sqnum })
	for _, c := range cs {
		if !c.vid.copy || v.dataOK(c) {
			return c
		}
	}
	return cs[0]
}

func (v *volumes) dataOK(c leb) bool {
	b, err := extractors.ReadAt(v.r, c.pos, int(min(int64(c.vid.dataSize), v.lebSize)), v.end)
	return err == nil && crc(b) == c.vid.dataCRC
}

// table reads the volume table from the layout volume, whose two LEBs hold
// the same table; without one, the volumes are those the VID headers name.
func (v *volumes) table() ([]volume, error) {
	for lnum := uint32(0); lnum < 2; lnum++ {
		c, ok := v.lebs[lebKey{layoutVolume, lnum}]
		if !ok {
			continue
		}
		n := min(maxVolumes, v.lebSize/vtblRecord) * vtblRecord
		b, err := extractors.ReadAt(v.r, c.pos, int(n), v.end)
		if err != nil {
			continue
		}
		if vols, _ := parseVtbl(b); len(vols) > 0 {
			return vols, nil
		}
	}
	seen := map[uint32]bool{}
	var vols []volume
	for k, c := range v.lebs {
		if k.vol < maxVolumes && !seen[k.vol] {
			seen[k.vol] = true
			vols = append(vols, volume{id: k.vol, volType: c.vid.volType, dataPad: c.vid.dataPad})
		}
	}
	slices.SortFunc(vols, func(a, b volume) int { return int(a.id) - int(b.id) })
	return vols, nil
}

// reader returns the contents of a volume and its length: a static volume
// is the data_size bytes of each of its used_ebs LEBs; a dynamic one is
// every LEB up to the last mapped one, unmapped LEBs reading as erased
// flash (0xFF).
func (v *volumes) reader(vol volume) (io.Reader, int64) {
	usable := v.lebSize - int64(vol.dataPad)
	last := int64(-1)
	used := int64(-1)
	for k, c := range v.lebs {
		if k.vol == vol.id {
			last = max(last, int64(k.lnum))
			if c.vid.volType == volStatic {
				used = int64(c.vid.usedEBs)
			}
		}
	}
	if used >= 0 {
		last = min(last, used-1)
	}
	var parts []io.Reader
	var n int64
	for lnum := int64(0); lnum <= last; lnum++ {
		c, ok := v.lebs[lebKey{vol.id, uint32(lnum)}]
		switch {
		case !ok:
			parts = append(parts, io.LimitReader(erased{}, usable))
			n += usable
		case used >= 0:
			size := min(int64(c.vid.dataSize), usable)
			if !v.dataOK(c) {
				v.badCRC++
			}
			parts = append(parts, io.NewSectionReader(v.r, c.pos, max(0, min(size, v.end-c.pos))))
			n += size
		default:
			parts = append(parts, io.NewSectionReader(v.r, c.pos, max(0, min(usable, v.end-c.pos))))
			n += usable
		}
	}
	return io.MultiReader(parts...), n
}

// erased reads as erased flash.
type erased struct{}

func (erased) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xFF
	}
	return len(p), nil
}
