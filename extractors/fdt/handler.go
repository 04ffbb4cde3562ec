package fdt

import (
	"context"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Handler handles FDT blobs: FIT images (an FDT with /images) and plain
// device tree blobs.
type Handler struct{}

func (Handler) Name() string { return "fdt" }

func (Handler) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0xd0, 0x0d, 0xfe, 0xed}}}
}

// parsed is an FDT read at a blob offset.
type parsed struct {
	h    header
	root *Node
	fit  *fit
}

func parse(r io.ReaderAt, off, size int64) (*parsed, error) {
	b, err := extractors.ReadAt(r, off, headerSize, size)
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if int64(h.TotalSize) > size-off {
		return nil, fmt.Errorf("total size %d past the end (%d bytes left)", h.TotalSize, size-off)
	}
	root, err := readTree(r, off, h)
	if err != nil {
		return nil, err
	}
	p := &parsed{h: h, root: root}
	p.fit, err = parseFIT(root, int64(h.TotalSize), size-off)
	return p, err
}

func (Handler) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	p, err := parse(r, off, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("fdt", err.Error())
	}
	c := extractors.Chunk{Start: off, End: off + int64(p.h.TotalSize), Confidence: extractors.High, Attrs: map[string]string{}}
	if f := p.fit; f != nil {
		c.End = off + f.End
		c.Attrs["fit.description"] = f.Description
		c.Attrs["fit.images"] = strconv.Itoa(len(f.Images))
		if f.Default != "" {
			c.Attrs["fit.default"] = f.Default
		}
		var kinds []string
		for _, im := range f.Images {
			pre := "fit.image." + im.Name + "."
			for k, v := range map[string]string{"type": im.Type, "arch": im.Arch, "os": im.OS, "compression": im.Comp, "description": im.Description} {
				if v != "" {
					c.Attrs[pre+k] = v
				}
			}
			c.Attrs[pre+"size"] = strconv.FormatInt(im.Len, 10)
			kinds = append(kinds, im.Name)
		}
		signed := "unsigned"
		if f.signedNotes()["fit.signed"] == "yes" {
			signed = "signed"
		}
		c.Info = fmt.Sprintf("FIT %q, %d images (%s), %s", f.Description, len(f.Images), strings.Join(kinds, ", "), signed)
		return c, nil
	}
	model := p.root.String("model")
	compat := p.root.Strings("compatible")
	c.Attrs["fdt.model"] = model
	c.Attrs["fdt.compatible"] = strings.Join(compat, ",")
	c.Info = fmt.Sprintf("device tree v%d", p.h.Version)
	if model != "" {
		c.Info += fmt.Sprintf(", model %q", model)
	}
	// A U-Boot control DTB carries the public keys it verifies FITs with.
	if sig := p.root.Child("signature"); sig != nil {
		var keys []string
		for _, k := range sig.Children {
			keys = append(keys, k.Name+" ("+k.String("algo")+", required "+k.String("required")+")")
		}
		c.Attrs["fdt.signature.keys"] = strings.Join(keys, "; ")
		c.Info += fmt.Sprintf(", %d verification keys", len(keys))
	}
	return c, nil
}

// Extract writes each FIT image's data as a blob named by its node, checks
// the hashes the FIT holds for it, and notes the signatures. A plain DTB has
// nothing to extract.
func (Handler) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	p, err := parse(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("fdt", c.Start, err, "tree")
	}
	if p.fit == nil {
		return c.End, nil
	}
	for k, v := range p.fit.signedNotes() {
		dst.Note(k, v)
	}
	seen := map[string]bool{}
	for _, im := range p.fit.Images {
		if err := ctx.Err(); err != nil {
			return c.End, err
		}
		name := strings.NewReplacer("/", "_", "\\", "_").Replace(im.Name)
		if name == "" || name == "." || name == ".." || seen[name] {
			name = fmt.Sprintf("image-%d", len(seen))
		}
		seen[name] = true
		if im.Bad != "" {
			dst.Note("fit.image."+im.Name+".data", im.Bad)
			continue
		}
		var hs []hash.Hash
		var ws []io.Writer
		for _, fh := range im.Hashes {
			h := hasher(fh.Algo)
			hs = append(hs, h)
			if h != nil {
				ws = append(ws, h)
			}
		}
		src := io.Reader(io.NewSectionReader(r, c.Start+im.Off, im.Len))
		if len(ws) > 0 {
			src = io.TeeReader(src, io.MultiWriter(ws...))
		}
		if err := dst.Blob(name, src); err != nil {
			if extractors.IsFatal(err) {
				return c.End, err
			}
			continue
		}
		var verdicts []string
		for i, fh := range im.Hashes {
			switch {
			case hs[i] == nil:
				verdicts = append(verdicts, fh.Algo+" unknown")
			case sumMatches(hs[i], fh.Value):
				verdicts = append(verdicts, fh.Algo+" ok")
			default:
				verdicts = append(verdicts, fh.Algo+" mismatch")
			}
		}
		if len(verdicts) > 0 {
			dst.Note("fit.image."+im.Name+".hash", strings.Join(verdicts, ", "))
		}
	}
	return c.End, nil
}
