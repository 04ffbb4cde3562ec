package uefi

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Handler handles UEFI firmware volumes. Each top-level volume is a chunk;
// the volumes nested in its files and sections are walked inside it, so a
// module's name keeps the file GUID and UI name that edk2 gave it.
type Handler struct{}

func (Handler) Name() string { return "uefi" }

func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("_FVH"), Offset: fvSigOffset}}
}

// maxVolume bounds a top-level volume, which is read into memory whole;
// flash parts are at most 64 MiB.
const maxVolume = extractors.MaxAlloc

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, fvMinHeader, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("uefi", "short header")
	}
	hl := int(b[0x30]) | int(b[0x31])<<8
	if hl > fvMinHeader && hl <= 0x1000 {
		if b, err = extractors.ReadAt(r, off, hl, size); err != nil {
			return extractors.Chunk{}, extractors.NotFormat("uefi", "short header")
		}
	}
	v, err := parseVolume(b)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("uefi", err.Error())
	}
	if v.Length > uint64(size-off) {
		return extractors.Chunk{}, extractors.NotFormat("uefi", fmt.Sprintf("volume of %d bytes, %d left", v.Length, size-off))
	}
	if v.Length > maxVolume {
		return extractors.Chunk{}, extractors.NotFormat("uefi", fmt.Sprintf("volume of %d bytes is over %d", v.Length, maxVolume))
	}
	kind := map[GUID]string{guidFFS2: "FFSv2", guidFFS3: "FFSv3", guidNVRAM: "NVRAM"}[v.FS]
	if kind == "" {
		kind = v.FS.String()
	}
	return extractors.Chunk{Start: off, End: off + int64(v.Length), Confidence: extractors.High,
		Info:  fmt.Sprintf("UEFI firmware volume %s, %d bytes", kind, v.Length),
		Attrs: map[string]string{"uefi.fs": kind, "uefi.length": strconv.FormatUint(v.Length, 10)}}, nil
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, int(c.End-c.Start), c.End)
	if err != nil {
		return c.Start, extractors.Wrap("uefi", c.Start, err, "volume")
	}
	w := &walker{ctx: ctx, dst: dst, names: map[string]int{}}
	err = w.volume(b, 0, "fv")
	s := w.stats
	dst.Note("uefi.volumes", strconv.Itoa(s.Volumes))
	dst.Note("uefi.files", strconv.Itoa(s.Files))
	dst.Note("uefi.pe32", strconv.Itoa(s.PE))
	dst.Note("uefi.te", strconv.Itoa(s.TE))
	dst.Note("uefi.raw", strconv.Itoa(s.Raw))
	if s.Variables > 0 {
		dst.Note("uefi.nvram.variables", strconv.Itoa(s.Variables))
	}
	if err != nil {
		return c.End, err
	}
	if len(w.problems) > 0 {
		return c.End, extractors.Errorf("uefi", c.Start, "%d problems: %s", len(w.problems), strings.Join(w.problems, "; "))
	}
	return c.End, nil
}
