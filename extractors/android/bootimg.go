package android

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// Boot image headers (system/tools/mkbootimg/include/bootimg/bootimg.h),
// little-endian, magic "ANDROID!".
//
// Versions 0-2: kernel_size, kernel_addr, ramdisk_size, ramdisk_addr,
// second_size, second_addr, tags_addr, page_size, header_version,
// os_version, name[16], cmdline[512], id[32], extra_cmdline[1024]; v1 adds
// recovery_dtbo_size, recovery_dtbo_offset (u64), header_size; v2 adds
// dtb_size, dtb_addr (u64). Sections follow the header page by page.
//
// Versions 3-4: kernel_size, ramdisk_size, os_version, header_size,
// reserved[4], header_version, cmdline[1536]; v4 adds signature_size. Pages
// are 4096 bytes.
//
// vendor_boot ("VNDRBOOT", v3-4): header_version, page_size, kernel_addr,
// ramdisk_addr, vendor_ramdisk_size, cmdline[2048], tags_addr, name[16],
// header_size, dtb_size, dtb_addr (u64); v4 adds vendor_ramdisk_table_size,
// entry_num, entry_size, bootconfig_size.
const (
	bootMagic   = "ANDROID!"
	vendorMagic = "VNDRBOOT"
	bootHdrRead = 1664 // the longest header read, v2's 1660 rounded up
)

// section is one payload of a boot image.
type section struct {
	name      string
	off, size int64
}

type bootImage struct {
	version  uint32
	vendor   bool
	pageSize int64
	name     string
	cmdline  string
	osVer    uint32
	sections []section
	end      int64
}

func pages(n, page int64) int64 { return (n + page - 1) / page * page }

func parseBoot(b []byte) (*bootImage, error) {
	le := binary.LittleEndian
	u32 := func(o int) int64 { return int64(le.Uint32(b[o:])) }
	bi := &bootImage{}
	var sizes []section // in layout order, sizes only
	switch string(b[:8]) {
	case bootMagic:
		bi.version = le.Uint32(b[40:])
		if bi.version <= 2 || bi.version > 4 {
			// v0 images may hold anything in header_version (it was
			// unused); treat anything not 1-4 as v0.
			if bi.version > 4 {
				bi.version = 0
			}
			bi.pageSize = u32(36)
			bi.osVer = le.Uint32(b[44:])
			bi.name = cstr(b[48:64])
			bi.cmdline = cstr(b[64:576]) + cstr(b[608:1632])
			sizes = []section{{"kernel", 0, u32(8)}, {"ramdisk", 0, u32(16)}, {"second", 0, u32(24)}}
			if bi.version >= 1 {
				sizes = append(sizes, section{"recovery_dtbo", 0, u32(1632)})
			}
			if bi.version == 2 {
				sizes = append(sizes, section{"dtb", 0, u32(1648)})
			}
			break
		}
		bi.pageSize = 4096
		bi.osVer = le.Uint32(b[16:])
		bi.cmdline = cstr(b[44:1580])
		sizes = []section{{"kernel", 0, u32(8)}, {"ramdisk", 0, u32(12)}}
		if bi.version == 4 {
			sizes = append(sizes, section{"boot_signature", 0, u32(1580)})
		}
	case vendorMagic:
		bi.vendor = true
		bi.version = le.Uint32(b[8:])
		if bi.version < 3 || bi.version > 4 {
			return nil, fmt.Errorf("vendor_boot version %d", bi.version)
		}
		bi.pageSize = u32(12)
		bi.cmdline = cstr(b[28:2076])
		// Beyond the first 1664 bytes: the caller reads enough for vendor headers.
		bi.name = cstr(b[2080:2096])
		sizes = []section{{"vendor_ramdisk", 0, u32(24)}, {"dtb", 0, u32(2100)}}
		if bi.version == 4 {
			sizes = append(sizes, section{"vendor_ramdisk_table", 0, u32(2112)}, section{"bootconfig", 0, u32(2124)})
		}
	default:
		return nil, fmt.Errorf("no magic")
	}
	switch bi.pageSize {
	case 2048, 4096, 8192, 16384:
	default:
		return nil, fmt.Errorf("page size %d", bi.pageSize)
	}
	hdrSize := int64(bootHdrRead)
	if bi.vendor {
		hdrSize = 2128
	}
	pos := pages(hdrSize, bi.pageSize)
	for _, s := range sizes {
		s.off = pos
		bi.sections = append(bi.sections, s)
		pos += pages(s.size, bi.pageSize)
	}
	bi.end = pos
	return bi, nil
}

func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, string(b))
}

// BootImage handles Android boot, recovery and vendor_boot images.
type BootImage struct{}

func (BootImage) Name() string { return "android-boot" }

func (BootImage) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte(bootMagic)}, {Bytes: []byte(vendorMagic)}}
}

func readBoot(r io.ReaderAt, off, size int64) (*bootImage, error) {
	n := int64(2128) // the vendor_boot v4 header, the longest
	if size-off < n {
		n = size - off
	}
	b, err := extractors.ReadAt(r, off, int(n), size)
	if err != nil || n < bootHdrRead {
		return nil, fmt.Errorf("short header")
	}
	if string(b[:8]) == vendorMagic && n < 2128 {
		return nil, fmt.Errorf("short vendor_boot header")
	}
	b = append(b, make([]byte, 2128-len(b))...)
	bi, err := parseBoot(b)
	if err != nil {
		return nil, err
	}
	if bi.end > size-off {
		return nil, fmt.Errorf("sections end at %d, %d bytes left", bi.end, size-off)
	}
	return bi, nil
}

func (BootImage) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	bi, err := readBoot(r, off, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("android-boot", err.Error())
	}
	kind := "boot"
	if bi.vendor {
		kind = "vendor_boot"
	}
	c := extractors.Chunk{Start: off, End: off + bi.end, Confidence: extractors.High,
		Info: fmt.Sprintf("Android %s image v%d, page %d", kind, bi.version, bi.pageSize),
		Attrs: map[string]string{"android.kind": kind, "android.header_version": strconv.Itoa(int(bi.version)),
			"android.page_size": strconv.FormatInt(bi.pageSize, 10), "android.cmdline": bi.cmdline, "android.name": bi.name}}
	if bi.osVer != 0 {
		// os_version: 7 bits each of a.b.c, then year-2000 and month.
		v := bi.osVer
		c.Attrs["android.os_version"] = fmt.Sprintf("%d.%d.%d", v>>25, v>>18&0x7F, v>>11&0x7F)
		c.Attrs["android.os_patch_level"] = fmt.Sprintf("%04d-%02d", 2000+(v>>4&0x7F), v&0xF)
	}
	for _, s := range bi.sections {
		if s.size > 0 {
			c.Attrs["android."+s.name+"_size"] = strconv.FormatInt(s.size, 10)
		}
	}
	return c, nil
}

// Extract writes each non-empty section as a blob named by the section.
func (BootImage) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	bi, err := readBoot(r, c.Start, c.End)
	if err != nil {
		return c.Start, extractors.Errorf("android-boot", c.Start, "%v", err)
	}
	for _, s := range bi.sections {
		if err := ctx.Err(); err != nil {
			return c.End, err
		}
		if s.size == 0 {
			continue
		}
		if err := dst.Blob(s.name, io.NewSectionReader(r, c.Start+s.off, s.size)); err != nil && extractors.IsFatal(err) {
			return c.End, err
		}
	}
	return c.End, nil
}
