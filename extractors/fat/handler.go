package fat

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/fwstar/fwstar/extractors"
)

// Handler extracts FAT12, FAT16 and FAT32 file systems.
type Handler struct{}

func (Handler) Name() string { return "fat" }

// Magics: the file system type strings that mkfs.fat and every formatter
// since DOS 4 write after the extended boot signature. The string is only
// a hint; Identify decides the type from the cluster count.
func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{
		{Bytes: []byte("FAT12   "), Offset: 54}, {Bytes: []byte("FAT16   "), Offset: 54},
		{Bytes: []byte("FAT     "), Offset: 54}, {Bytes: []byte("FAT32   "), Offset: 82},
	}
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := readBPB(r, off, size)
	if err != nil {
		return extractors.Chunk{}, err
	}
	// The first FAT entry repeats the media byte in its low 8 bits.
	first, err := extractors.ReadAt(r, off+b.fatOff, 1, size)
	if err != nil || first[0] < 0xF0 {
		return extractors.Chunk{}, extractors.NotFormat("fat", "no media byte in the FAT")
	}
	full := off + b.sectors*b.bps
	info := fmt.Sprintf("FAT%d, %d clusters of %d bytes", b.bits, b.clusters, b.clusterSize())
	if b.label != "" {
		info += ", label " + b.label
	}
	attrs := map[string]string{"fat.bits": fmt.Sprint(b.bits), "fat.label": b.label, "fat.volume_id": fmt.Sprintf("%08X", b.volID)}
	if full > size {
		info += fmt.Sprintf(", truncated (%d of %d bytes)", size-off, full-off)
		attrs["fat.truncated"] = "true"
	}
	return extractors.Chunk{Start: off, End: min(full, size), Confidence: extractors.High, Info: info, Attrs: attrs}, nil
}

// volume is an open file system.
type volume struct {
	r        io.ReaderAt
	bpb      *bpb
	base     int64
	limit    int64
	fat      *table
	badNames int
	loops    int
}

func (v *volume) clusterOff(c uint32) int64 {
	return v.base + v.bpb.dataOff + int64(c-2)*v.bpb.clusterSize()
}

func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := readBPB(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("fat", c.Start, err, "boot sector")
	}
	v := &volume{r: r, bpb: b, base: c.Start, limit: c.End}
	if err := v.readTable(); err != nil {
		return c.End, err
	}
	entries, err := v.walk(ctx)
	dst.Note("fat.entries", fmt.Sprint(len(entries)))
	if v.badNames > 0 {
		dst.Note("fat.bad_names", fmt.Sprint(v.badNames))
	}
	if v.loops > 0 {
		dst.Note("fat.dir_loops", fmt.Sprint(v.loops))
	}
	for _, e := range entries {
		if ctx.Err() != nil {
			break
		}
		// FAT keeps no owner or mode: directories are 0755 and files 0644,
		// 0444 when read-only, as Linux's vfat shows them by default.
		m := extractors.Meta{Mode: 0o755 | extractors.UnixMode(extractors.SIFDIR), MTime: e.mtime}
		var werr error
		if e.dir {
			werr = dst.Dir(e.path, m)
		} else {
			m.Mode = 0o644
			if e.attr&attrReadOnly != 0 {
				m.Mode = 0o444
			}
			werr = dst.File(e.path, m, v.open(e))
		}
		var fe *extractors.FormatError
		if werr != nil {
			if err == nil {
				err = werr
			}
			if extractors.IsFatal(werr) && !errors.As(werr, &fe) {
				break
			}
		}
	}
	if err == nil {
		err = ctx.Err()
	}
	return c.End, err
}
