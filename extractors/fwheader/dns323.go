package fwheader

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// D-Link DNS-323 family NAS firmware (DNS-321/323/320/325, Conceptronic
// CH3SNAS...), as Matt Palmer's dns323-firmware-tools write and read it.
// Little-endian u32s: an (offset, size) pair per part, then a checksum per
// part, then the marker 55 AA, an 8-byte NUL-padded signature, 55 AA, and
// product, custom, model id, compat flag and compat id bytes. Two layouts:
//
//	64 bytes, parts kernel, initrd, defaults:            sums 0x18, marker 0x24, ids 0x30
//	128 bytes, parts kernel, initrd, squashfs, defaults: sums 0x20, marker 0x30, ids 0x3C
//
// The tool picks the 128-byte one for signatures starting "DNS32". Offsets
// count from the header's start; the writer lays the parts out back to back
// after it in the order above, a missing part with size and sum 0. A part's
// sum is the XOR of its little-endian 32-bit words; a last partial word is
// left out (the tool's Ruby unpack("V*") drops it).
type dnsLayout struct {
	size  int
	parts []string
	sigs  []string
}

// mark is where 55 AA sig 55 AA sits: after n (offset, size) pairs and n sums.
func (l dnsLayout) mark() int { return 12 * len(l.parts) }

var dnsLayouts = []dnsLayout{
	// "Gandolf" is a signature the tool's manual lists; the others are in its
	// device table.
	{64, []string{"kernel", "initrd", "defaults"}, []string{"FrodoII", "Chopper", "Gandolf", "DNS-325"}},
	{128, []string{"kernel", "initrd", "squashfs", "defaults"}, []string{"DNS323D1", "DNS320B", "DNS320L"}},
}

// dnsDevices is the tool's device table: signature and product, custom and
// model ids of the models it builds images for.
var dnsDevices = map[[4]string]string{
	{"FrodoII", "7", "1", "1"}:  "DNS-323",
	{"FrodoII", "7", "2", "1"}:  "CH3SNAS",
	{"Chopper", "10", "1", "1"}: "DNS-321",
	{"DNS-325", "0", "8", "5"}:  "DNS-325",
	{"DNS323D1", "0", "8", "7"}: "DNS-320",
	{"DNS320B", "0", "8", "12"}: "DNS-320B",
	{"DNS320L", "0", "8", "11"}: "DNS-320L",
}

func dnsMarker(sig string) []byte {
	b := make([]byte, 12)
	b[0], b[1], b[10], b[11] = 0x55, 0xAA, 0x55, 0xAA
	copy(b[2:10], sig)
	return b
}

type dnsPart struct {
	Name           string
	Ofs, Size, Sum uint32
}

type dnsHeader struct {
	Layout                 dnsLayout
	Sig                    string
	Product, Custom, Model uint8
	CompatFlag, Compat     uint8
	Parts                  []dnsPart // in header order, empty ones included
	End                    uint64    // past the last part, from the header's start
}

// parseDNS323 finds the layout whose marker and known signature b holds (b is
// at least 64 bytes, 128 when present) and checks that the parts lie after
// the header without overlapping.
func parseDNS323(b []byte) (dnsHeader, error) {
	var h dnsHeader
	found := 0
	for _, l := range dnsLayouts {
		if len(b) < l.size {
			continue
		}
		for _, s := range l.sigs {
			if bytes.Equal(b[l.mark():l.mark()+12], dnsMarker(s)) {
				h.Layout, h.Sig = l, s
				found++
			}
		}
	}
	switch found {
	case 0:
		return h, fmt.Errorf("no marker")
	case 2:
		return h, fmt.Errorf("markers of both layouts") // the tool refuses it too
	}
	le := binary.LittleEndian
	n := len(h.Layout.parts)
	ids := b[h.Layout.mark()+12:]
	h.Product, h.Custom, h.Model, h.CompatFlag, h.Compat = ids[0], ids[1], ids[2], ids[3], ids[4]
	var used []dnsPart
	for i, name := range h.Layout.parts {
		p := dnsPart{Name: name, Ofs: le.Uint32(b[8*i:]), Size: le.Uint32(b[8*i+4:]), Sum: le.Uint32(b[8*n+4*i:])}
		h.Parts = append(h.Parts, p)
		if p.Size == 0 {
			continue
		}
		if p.Ofs < uint32(h.Layout.size) {
			return h, fmt.Errorf("%s at 0x%X inside the header", name, p.Ofs)
		}
		used = append(used, p)
		h.End = max(h.End, uint64(p.Ofs)+uint64(p.Size))
	}
	if h.Parts[0].Size == 0 || h.Parts[1].Size == 0 {
		return h, fmt.Errorf("no kernel or no initrd") // the tool requires both
	}
	sort.Slice(used, func(i, j int) bool { return used[i].Ofs < used[j].Ofs })
	for i := 1; i < len(used); i++ {
		if uint64(used[i-1].Ofs)+uint64(used[i-1].Size) > uint64(used[i].Ofs) {
			return h, fmt.Errorf("%s and %s overlap", used[i-1].Name, used[i].Name)
		}
	}
	return h, nil
}

// xorWords is the tool's part checksum of [off, off+n), n a multiple of 4,
// read through buf.
func xorWords(r io.ReaderAt, off, n int64, buf []byte) (uint32, error) {
	var x uint64
	for done := int64(0); done < n; {
		b := buf[:min(int64(len(buf)), n-done)]
		if m, err := r.ReadAt(b, off+done); m < len(b) {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		done += int64(len(b))
		for ; len(b) >= 8; b = b[8:] {
			x ^= binary.LittleEndian.Uint64(b)
		}
		if len(b) == 4 {
			x ^= uint64(binary.LittleEndian.Uint32(b))
		}
	}
	return uint32(x) ^ uint32(x>>32), nil
}

// DNS323 handles the D-Link DNS-323 family firmware header.
type DNS323 struct{}

func (DNS323) Name() string { return "dns323" }

func (DNS323) Magics() []extractors.Magic {
	var m []extractors.Magic
	for _, l := range dnsLayouts {
		for _, s := range l.sigs {
			m = append(m, extractors.Magic{Bytes: dnsMarker(s), Offset: int64(l.mark())})
		}
	}
	return m
}

// Identify parses the header and checks every part's checksum that lies in
// the blob. Mismatches and a truncated image are recorded in Attrs, Info and
// dns323.problem; the hints still point at every part that starts in the blob.
func (DNS323) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, 128, size)
	if err != nil {
		if b, err = extractors.ReadAt(r, off, 64, size); err != nil {
			return extractors.Chunk{}, extractors.NotFormat("dns323", "short header")
		}
	}
	h, err := parseDNS323(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("dns323", err.Error())
	}
	id := func(v uint8) string { return strconv.Itoa(int(v)) }
	c := extractors.Chunk{Start: off, End: off + int64(h.Layout.size), Confidence: extractors.High,
		Attrs: map[string]string{
			"dns323.signature": h.Sig, "dns323.header_size": strconv.Itoa(h.Layout.size),
			"dns323.product_id": id(h.Product), "dns323.custom_id": id(h.Custom), "dns323.model_id": id(h.Model),
			"dns323.image_size": strconv.FormatUint(h.End, 10),
		}}
	if h.CompatFlag != 0 {
		c.Attrs["dns323.compat_id"] = id(h.Compat)
	}
	device := dnsDevices[[4]string{h.Sig, id(h.Product), id(h.Custom), id(h.Model)}]
	if device != "" {
		c.Attrs["dns323.device"] = device
	}
	var problems, sizes []string
	var buf []byte
	for _, p := range h.Parts {
		if p.Size == 0 {
			continue
		}
		k := "dns323." + p.Name
		c.Attrs[k+"_ofs"] = hexAttr(p.Ofs)
		c.Attrs[k+"_size"] = strconv.FormatUint(uint64(p.Size), 10)
		c.Attrs[k+"_sum"] = hexAttr(p.Sum)
		sizes = append(sizes, fmt.Sprintf("%s %d B", p.Name, p.Size))
		start := off + int64(p.Ofs)
		if start < size {
			c.Hints = append(c.Hints, extractors.Hint{Offset: start, Size: int64(p.Size), Name: p.Name})
		}
		if start+int64(p.Size) > size {
			c.Attrs[k+"_sum_check"] = "unchecked: truncated"
			continue
		}
		if buf == nil {
			buf = make([]byte, min(int64(p.Size), 64<<10)+8) // whole u64s but the last
			buf = buf[:len(buf)&^7]
		}
		sum, err := xorWords(r, start, int64(p.Size)&^3, buf)
		if err != nil {
			return extractors.Chunk{}, extractors.NotFormat("dns323", "unreadable "+p.Name)
		}
		c.Attrs[k+"_sum_check"] = checkNote(sum == p.Sum, hexAttr(p.Sum), hexAttr(sum))
		if sum != p.Sum {
			problems = append(problems, fmt.Sprintf("%s checksum mismatch (stored %s, computed %s)", p.Name, hexAttr(p.Sum), hexAttr(sum)))
		}
	}
	if end := off + int64(h.End); end > size {
		c.Attrs["dns323.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, h.End)
		problems = append(problems, fmt.Sprintf("image truncated: %d of %d bytes present", size-off, h.End))
	}
	name := h.Sig
	if device != "" {
		name += ", " + device
	}
	c.Info = fmt.Sprintf("D-Link DNS-323 family firmware (%s), product %d custom %d model %d: %s",
		name, h.Product, h.Custom, h.Model, strings.Join(sizes, ", "))
	if len(problems) > 0 {
		c.Attrs["dns323.problem"] = strings.Join(problems, "; ")
		c.Info += "; " + c.Attrs["dns323.problem"]
	}
	return c, nil
}

// Extract writes nothing (the engine carves the parts at the hints). It fails
// with the problem Identify found: a checksum mismatch or a truncated image.
func (DNS323) Extract(_ context.Context, r io.ReaderAt, c extractors.Chunk, _ extractors.Sink) (int64, error) {
	if _, _, err := reparse("dns323", r, c, int(c.End-c.Start), c.End, parseDNS323); err != nil {
		return c.Start, err
	}
	if p := c.Attrs["dns323.problem"]; p != "" {
		return c.End, extractors.Errorf("dns323", c.Start, "%s", p)
	}
	return c.End, nil
}
