package uefi

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// EFI_CAPSULE_HEADER (UEFI spec, 8.5.3): CapsuleGuid, HeaderSize, Flags,
// CapsuleImageSize (header included). The GUID says what follows HeaderSize;
// capsules carry no other magic, so only the GUIDs below are recognised.
const (
	capHeader = 28

	capPersistAcrossReset  = 0x00010000
	capPopulateSystemTable = 0x00020000
	capInitiateReset       = 0x00040000
	capReservedFlags       = 0xFFF80000 // the spec defines no others
)

var (
	// GenFv's capsule GUID (mDefaultCapsuleGuid): a plain capsule whose body
	// is firmware volumes.
	guidEFICapsule = mustGUID("3B6686BD-0D76-4030-B70E-B5519E2FC5A0")
	guidFMPCapsule = mustGUID("6DCBD5ED-E82D-4C44-BDA1-7194199AD92A") // EFI_FIRMWARE_MANAGEMENT_CAPSULE_ID_GUID
	guidUXCapsule  = mustGUID("3B8C8162-188C-46A4-AEC9-BE43F1D65697") // WINDOWS_UX_CAPSULE_GUID
)

type capsuleHeader struct {
	GUID       GUID
	Kind       string // "efi", "fmp", "ux"
	HeaderSize uint32
	Flags      uint32
	Size       uint32 // CapsuleImageSize
}

func parseCapsuleHeader(b []byte) (capsuleHeader, error) {
	le := binary.LittleEndian
	h := capsuleHeader{GUID: guidAt(b), HeaderSize: le.Uint32(b[16:]), Flags: le.Uint32(b[20:]), Size: le.Uint32(b[24:])}
	switch h.GUID {
	case guidEFICapsule:
		h.Kind = "efi"
	case guidFMPCapsule:
		h.Kind = "fmp"
	case guidUXCapsule:
		h.Kind = "ux"
	default:
		return h, fmt.Errorf("capsule GUID %s not known", h.GUID)
	}
	minBody := uint32(0)
	switch h.Kind {
	case "fmp":
		minBody = fmpHeader
	case "ux":
		minBody = uxHeader
	}
	if h.HeaderSize < capHeader || h.HeaderSize > 0x1000 || h.Size < h.HeaderSize+minBody {
		return h, fmt.Errorf("header size %d, capsule size %d", h.HeaderSize, h.Size)
	}
	if h.Flags&capReservedFlags != 0 {
		return h, fmt.Errorf("reserved flags 0x%08X", h.Flags)
	}
	// PopulateSystemTable and InitiateReset need PersistAcrossReset.
	if h.Flags&(capPopulateSystemTable|capInitiateReset) != 0 && h.Flags&capPersistAcrossReset == 0 {
		return h, fmt.Errorf("flags 0x%08X without PersistAcrossReset", h.Flags)
	}
	return h, nil
}

func (h capsuleHeader) flagNames() string {
	var s []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{{capPersistAcrossReset, "PersistAcrossReset"}, {capPopulateSystemTable, "PopulateSystemTable"}, {capInitiateReset, "InitiateReset"}} {
		if h.Flags&f.bit != 0 {
			s = append(s, f.name)
		}
	}
	return strings.Join(s, ",")
}

// DISPLAY_DISPLAY_PAYLOAD (MdePkg WindowsUxCapsule.h): the boot-time
// "update in progress" picture that follows the capsule header.
const uxHeader = 16

// Capsule handles UEFI capsules: firmware updates as the OS hands them to the
// firmware (UpdateCapsule) or as vendors ship them. The chunk is the whole
// capsule; its payloads are written as blobs (firmware volumes, scanned by
// the engine), its embedded drivers as .efi files and its signatures as
// PKCS#7 files, and its header facts go into Attrs.
type Capsule struct{}

func (Capsule) Name() string { return "uefi-capsule" }

func (Capsule) Magics() []extractors.Magic {
	var m []extractors.Magic
	for _, g := range []GUID{guidEFICapsule, guidFMPCapsule, guidUXCapsule} {
		m = append(m, extractors.Magic{Bytes: append([]byte(nil), g[:]...)})
	}
	return m
}

// capsule is a parsed capsule: the header and, for FMP, the item layout.
type capsule struct {
	capsuleHeader
	Start, End int64 // End is min(Start+Size, blob size)
	FMP        *fmpCapsule
	UX         []byte // DISPLAY_DISPLAY_PAYLOAD
}

func readCapsule(r io.ReaderAt, off, size int64) (*capsule, error) {
	b, err := extractors.ReadAt(r, off, capHeader, size)
	if err != nil {
		return nil, fmt.Errorf("short header")
	}
	h, err := parseCapsuleHeader(b)
	if err != nil {
		return nil, err
	}
	c := &capsule{capsuleHeader: h, Start: off, End: min(off+int64(h.Size), size)}
	body := off + int64(h.HeaderSize)
	if body >= c.End {
		return nil, fmt.Errorf("capsule body missing")
	}
	switch h.Kind {
	case "fmp":
		if c.FMP, err = readFMP(r, body, off+int64(h.Size), c.End); err != nil {
			return nil, err
		}
	case "ux":
		u, err := extractors.ReadAt(r, body, uxHeader, c.End)
		if err != nil {
			return nil, fmt.Errorf("display payload truncated")
		}
		c.UX = u
	}
	return c, nil
}

func (Capsule) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	c, err := readCapsule(r, off, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("uefi-capsule", err.Error())
	}
	a := map[string]string{
		"uefi.capsule.guid": c.GUID.String(), "uefi.capsule.kind": c.Kind,
		"uefi.capsule.header_size": strconv.FormatUint(uint64(c.HeaderSize), 10),
		"uefi.capsule.flags":       fmt.Sprintf("0x%08X", c.Flags),
		"uefi.capsule.size":        strconv.FormatUint(uint64(c.Size), 10),
	}
	if n := c.flagNames(); n != "" {
		a["uefi.capsule.flag_names"] = n
	}
	if c.End < c.Start+int64(c.Size) {
		a["uefi.capsule.truncated"] = fmt.Sprintf("%d of %d bytes present", c.End-c.Start, c.Size)
	}
	info := fmt.Sprintf("UEFI capsule (%s), %d bytes", c.Kind, c.Size)
	if u := c.UX; u != nil {
		le := binary.LittleEndian
		a["uefi.capsule.ux.version"] = strconv.Itoa(int(u[0]))
		a["uefi.capsule.ux.image_type"] = strconv.Itoa(int(u[2]))
		a["uefi.capsule.ux.mode"] = strconv.FormatUint(uint64(le.Uint32(u[4:])), 10)
		a["uefi.capsule.ux.offset"] = fmt.Sprintf("%d,%d", le.Uint32(u[8:]), le.Uint32(u[12:]))
	}
	if f := c.FMP; f != nil {
		f.attrs(a)
		info = fmt.Sprintf("UEFI FMP capsule, %d payloads, %d drivers, %d bytes", len(f.Images), f.Drivers, c.Size)
	}
	return extractors.Chunk{Start: off, End: c.End, Confidence: extractors.High, Info: info, Attrs: a}, nil
}

func (Capsule) Extract(ctx context.Context, r io.ReaderAt, ch extractors.Chunk, dst extractors.Sink) (int64, error) {
	c, err := readCapsule(r, ch.Start, ch.End)
	if err != nil {
		return ch.Start, extractors.Errorf("uefi-capsule", ch.Start, "%v", err)
	}
	x := &capsuleWriter{r: r, dst: dst, end: c.End}
	body := c.Start + int64(c.HeaderSize)
	switch c.Kind {
	case "efi":
		x.blob("payload", body, c.End-body)
	case "ux":
		x.ux(c.UX[2], body+uxHeader)
	case "fmp":
		x.fmp(ctx, c.FMP)
	}
	if x.err != nil {
		return ch.End, x.err
	}
	if ch.End < c.Start+int64(c.Size) {
		return ch.End, extractors.Errorf("uefi-capsule", ch.End, "capsule truncated: %d of %d bytes", ch.End-c.Start, c.Size)
	}
	if len(x.problems) > 0 {
		return ch.End, extractors.Errorf("uefi-capsule", ch.Start, "%d problems: %s", len(x.problems), strings.Join(x.problems, "; "))
	}
	return ch.End, nil
}

// capsuleWriter writes a capsule's items, keeping the first fatal sink error
// and the damage it saw.
type capsuleWriter struct {
	r        io.ReaderAt
	dst      extractors.Sink
	end      int64
	err      error
	problems []string
}

func (x *capsuleWriter) problem(format string, args ...any) {
	if len(x.problems) < 100 {
		x.problems = append(x.problems, fmt.Sprintf(format, args...))
	}
}

// section returns [off, off+n) cut at the capsule end, saying so.
func (x *capsuleWriter) section(name string, off, n int64) *io.SectionReader {
	if off+n > x.end {
		x.problem("%s: %d bytes at 0x%X, capsule ends at 0x%X", name, n, off, x.end)
		n = max(0, x.end-off)
	}
	return io.NewSectionReader(x.r, off, n)
}

// blob writes a payload, named .fv when it starts with a firmware volume.
func (x *capsuleWriter) blob(name string, off, n int64) {
	if x.err != nil {
		return
	}
	if sig, err := extractors.ReadAt(x.r, off+fvSigOffset, 4, x.end); err == nil && string(sig) == "_FVH" {
		name += ".fv"
	} else {
		name += ".bin"
	}
	if err := x.dst.Blob(name, x.section(name, off, n)); extractors.IsFatal(err) {
		x.err = err
	}
}

func (x *capsuleWriter) file(name string, off, n int64) {
	if x.err != nil {
		return
	}
	if err := x.dst.File(name, extractors.Meta{Mode: 0o644}, x.section(name, off, n)); extractors.IsFatal(err) {
		x.err = err
	}
}

// ux writes the Windows UX capsule's picture (ImageType 0 is a BMP).
func (x *capsuleWriter) ux(typ byte, off int64) {
	if typ == 0 {
		x.file("ux.bmp", off, x.end-off)
	} else {
		x.blob("ux", off, x.end-off)
	}
}
