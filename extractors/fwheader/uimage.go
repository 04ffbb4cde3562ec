package fwheader

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// U-Boot legacy image header (include/image.h, struct legacy_img_hdr): 64
// bytes, big-endian, the header CRC computed with its own field zeroed.
const (
	uimageMagic   = 0x27051956
	uimageHdrSize = 64
	uimageMulti   = 4 // IH_TYPE_MULTI: a list of sizes, then the images
	uimageScript  = 6 // IH_TYPE_SCRIPT: laid out like MULTI
)

type uimageHeader struct {
	HCRC, Time, Size, Load, EP, DCRC uint32
	OS, Arch, Type, Comp             uint8
	Name                             string
}

func parseUImage(b []byte) (uimageHeader, bool) {
	be := binary.BigEndian
	if len(b) < uimageHdrSize || be.Uint32(b) != uimageMagic {
		return uimageHeader{}, false
	}
	h := uimageHeader{HCRC: be.Uint32(b[4:]), Time: be.Uint32(b[8:]), Size: be.Uint32(b[12:]),
		Load: be.Uint32(b[16:]), EP: be.Uint32(b[20:]), DCRC: be.Uint32(b[24:]),
		OS: b[28], Arch: b[29], Type: b[30], Comp: b[31], Name: cstr(b[32:64])}
	var z [uimageHdrSize]byte
	copy(z[:], b)
	clear(z[4:8])
	return h, crc32.ChecksumIEEE(z[:]) == h.HCRC
}

// Names of the image.h enums; numbers past the table print as numbers.
var (
	uimageOS = []string{"invalid", "openbsd", "netbsd", "freebsd", "4_4bsd", "linux", "svr4", "esix",
		"solaris", "irix", "sco", "dell", "ncr", "lynxos", "vxworks", "psos", "qnx", "u-boot", "rtems",
		"artos", "unity", "integrity", "ose", "plan9", "openrtos", "arm-trusted-firmware", "tee", "opensbi", "efi"}
	uimageArch = []string{"invalid", "alpha", "arm", "x86", "ia64", "mips", "mips64", "powerpc", "s390",
		"sh", "sparc", "sparc64", "m68k", "nios", "microblaze", "nios2", "blackfin", "avr32", "st200",
		"sandbox", "nds32", "or1k", "arm64", "arc", "x86_64", "xtensa", "riscv"}
	uimageType = []string{"invalid", "standalone", "kernel", "ramdisk", "multi", "firmware", "script",
		"filesystem", "flat_dt", "kwbimage", "imximage", "ublimage", "omapimage", "aisimage",
		"kernel_noload", "pblimage", "mxsimage", "gpimage", "atmelimage", "socfpgaimage", "x86_setup",
		"lpc32xximage", "loadables", "rkimage", "rksd", "rkspi", "zynqimage", "zynqmpimage", "zynqmpbif",
		"fpga", "vybridimage", "tee", "firmware_ivt", "pmmc", "stm32image"}
	uimageComp = []string{"none", "gzip", "bzip2", "lzma", "lzo", "lz4", "zstd"}
)

func enumName(t []string, v uint8) string {
	if int(v) < len(t) {
		return t[v]
	}
	return strconv.Itoa(int(v))
}

// UImage handles U-Boot legacy images. The compression field is reported but
// not trusted (Debian's Buffalo initrd says gzip and holds xz): the payload is
// a Hint with no format, so every handler is tried there, and the chunk is the
// header alone so that what vendors append after the payload is found too.
type UImage struct{}

func (UImage) Name() string { return "uimage" }

func (UImage) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte{0x27, 0x05, 0x19, 0x56}}}
}

func (UImage) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	b, err := extractors.ReadAt(r, off, uimageHdrSize, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("uimage", "short header")
	}
	h, ok := parseUImage(b)
	if !ok {
		return extractors.Chunk{}, extractors.NotFormat("uimage", "header CRC mismatch")
	}
	data := off + uimageHdrSize
	c := extractors.Chunk{Start: off, End: data, Confidence: extractors.High,
		Attrs: map[string]string{
			"uimage.name": h.Name, "uimage.os": enumName(uimageOS, h.OS),
			"uimage.arch": enumName(uimageArch, h.Arch), "uimage.type": enumName(uimageType, h.Type),
			"uimage.compression": enumName(uimageComp, h.Comp), "uimage.size": strconv.FormatUint(uint64(h.Size), 10),
			"uimage.load": hexAttr(h.Load), "uimage.entry": hexAttr(h.EP),
			"uimage.time": time.Unix(int64(h.Time), 0).UTC().Format(time.RFC3339),
		}}
	c.Info = fmt.Sprintf("uImage %s %s %s, %s, %d bytes, %q", c.Attrs["uimage.arch"], c.Attrs["uimage.os"],
		c.Attrs["uimage.type"], c.Attrs["uimage.compression"], h.Size, h.Name)
	if int64(h.Size) > size-data {
		c.Attrs["uimage.truncated"] = fmt.Sprintf("%d of %d data bytes present", size-data, h.Size)
	}
	if h.Type != uimageMulti && h.Type != uimageScript {
		c.Hints = []extractors.Hint{{Offset: data, Name: "payload"}}
		return c, nil
	}
	c.Hints = multiHints(r, data, min(int64(h.Size), size-data))
	c.Attrs["uimage.images"] = strconv.Itoa(len(c.Hints))
	return c, nil
}

// maxMulti bounds the size list of a multi-file image (U-Boot has no limit;
// real images hold a kernel, a ramdisk and a device tree).
const maxMulti = 64

// multiHints reads a multi-file image's zero-terminated list of big-endian
// sizes at data and returns a hint at each image, each padded to 4 bytes.
// Images that would run past the n data bytes are left out.
func multiHints(r io.ReaderAt, data, n int64) []extractors.Hint {
	var sizes []uint32
	for i := int64(0); i < maxMulti && 4*(i+1) <= n; i++ {
		b, err := extractors.ReadAt(r, data+4*i, 4, data+n)
		if err != nil {
			break
		}
		s := binary.BigEndian.Uint32(b)
		if s == 0 {
			break
		}
		sizes = append(sizes, s)
	}
	var hints []extractors.Hint
	pos := int64(4 * (len(sizes) + 1))
	for i, s := range sizes {
		if pos+int64(s) > n {
			break
		}
		hints = append(hints, extractors.Hint{Offset: data + pos, Name: fmt.Sprintf("image-%d", i)})
		pos += (int64(s) + 3) &^ 3
	}
	return hints
}

// Extract checks the data CRC; a mismatch is a note, not a rejection (vendors
// patch payloads and leave the header alone). Nothing is written: the payload
// is carved by the engine through the hints.
func (UImage) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	b, err := extractors.ReadAt(r, c.Start, uimageHdrSize, c.End)
	if err != nil {
		return c.Start, extractors.Wrap("uimage", c.Start, err, "header")
	}
	h, _ := parseUImage(b)
	sum, err := crcIEEE(ctx, r, c.End, int64(h.Size))
	if ctx.Err() != nil {
		return c.End, ctx.Err()
	}
	if err != nil {
		dst.Note("uimage.dcrc", "unchecked: data truncated")
		return c.End, nil
	}
	dst.Note("uimage.dcrc", checkNote(sum == h.DCRC, hexAttr(h.DCRC), hexAttr(sum)))
	return c.End, nil
}
