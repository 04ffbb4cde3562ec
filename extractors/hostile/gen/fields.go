package gen

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
)

// enc is how a header field is stored.
type enc uint8

const (
	le enc = iota
	be
	hexASCII // cpio newc
	octASCII // cpio odc, tar
)

// field is one named length, count or offset of a real header, relative to
// the header start found by the format's magic.
type field struct {
	name  string
	off   int
	width int // bytes
	enc   enc
}

// format locates a family's headers and names their dangerous fields. fix
// recomputes the header's checksum after a mutation, so the mutation reaches
// the parser behind the checksum instead of stopping at it.
type format struct {
	magic    []byte
	magicOff int // the magic's offset inside the header
	fields   []field
	fix      func(b []byte, at int)
}

// formats holds the fields the mutations aim at, from each format's spec.
var formats = map[string]format{
	"squashfs": {magic: []byte("hsqs"), fields: []field{
		{"inode_count", 4, 4, le}, {"block_size", 12, 4, le}, {"fragment_entry_count", 16, 4, le},
		{"id_count", 26, 2, le}, {"root_inode_ref", 32, 8, le}, {"bytes_used", 40, 8, le},
		{"id_table_start", 48, 8, le}, {"xattr_id_table_start", 56, 8, le}, {"inode_table_start", 64, 8, le},
		{"directory_table_start", 72, 8, le}, {"fragment_table_start", 80, 8, le}, {"export_table_start", 88, 8, le},
	}},
	"cramfs": {magic: []byte{0x45, 0x3d, 0xcd, 0x28}, fields: []field{
		{"size", 4, 4, le}, {"fsid.blocks", 40, 4, le}, {"fsid.files", 44, 4, le},
		{"root.size", 68, 3, le}, {"root.namelen_offset", 72, 4, le},
	}, fix: fixCramfs},
	"jffs2": {magic: []byte{0x85, 0x19}, fields: []field{
		{"totlen", 4, 4, le}, {"inode.isize|dirent.nsize", 28, 4, le}, {"inode.offset", 44, 4, le},
		{"inode.csize", 48, 4, le}, {"inode.dsize", 52, 4, le}, {"dirent.ino", 20, 4, le},
	}, fix: fixJFFS2},
	"ubi": {magic: []byte("UBI#"), fields: []field{
		{"ec.vid_hdr_offset", 16, 4, be}, {"ec.data_offset", 20, 4, be}, {"ec.ec", 8, 8, be},
		{"vid.vol_id", 64 + 8, 4, be}, {"vid.lnum", 64 + 12, 4, be}, {"vid.data_size", 64 + 20, 4, be},
		{"vid.used_ebs", 64 + 24, 4, be}, {"vid.data_pad", 64 + 28, 4, be},
	}, fix: fixUBI},
	"ubifs": {magic: []byte{0x31, 0x18, 0x10, 0x06}, fields: []field{
		{"ch.len", 16, 4, le}, {"sb.leb_size", 24 + 12, 4, le}, {"sb.leb_cnt", 24 + 16, 4, le},
		{"sb.max_leb_cnt", 24 + 20, 4, le}, {"sb.log_lebs", 24 + 32, 4, le}, {"sb.lpt_lebs", 24 + 36, 4, le},
	}, fix: fixUBIFS},
	"cpio": {magic: []byte("070701"), fields: []field{
		{"newc.mode", 14, 8, hexASCII}, {"newc.nlink", 38, 8, hexASCII}, {"newc.filesize", 54, 8, hexASCII},
		{"newc.namesize", 94, 8, hexASCII},
	}},
	"cpio-odc": {magic: []byte("070707"), fields: []field{
		{"odc.mode", 18, 6, octASCII}, {"odc.nlink", 36, 6, octASCII}, {"odc.namesize", 59, 6, octASCII},
		{"odc.filesize", 65, 11, octASCII},
	}},
	"tar": {magic: []byte("ustar"), magicOff: 257, fields: []field{
		{"size", 124, 12, octASCII}, {"mode", 100, 8, octASCII}, {"uid", 108, 8, octASCII},
		{"mtime", 136, 12, octASCII}, {"devmajor", 329, 8, octASCII},
	}, fix: fixTar},
	"zip": {magic: []byte("PK\x05\x06"), fields: []field{
		{"eocd.disk_entries", 8, 2, le}, {"eocd.total_entries", 10, 2, le}, {"eocd.cd_size", 12, 4, le},
		{"eocd.cd_offset", 16, 4, le}, {"eocd.comment_len", 20, 2, le},
	}},
	"zip-local": {magic: []byte("PK\x03\x04"), fields: []field{
		{"local.compressed_size", 18, 4, le}, {"local.uncompressed_size", 22, 4, le},
		{"local.name_len", 26, 2, le}, {"local.extra_len", 28, 2, le},
	}},
	"zip-central": {magic: []byte("PK\x01\x02"), fields: []field{
		{"central.compressed_size", 20, 4, le}, {"central.uncompressed_size", 24, 4, le},
		{"central.name_len", 28, 2, le}, {"central.extra_len", 30, 2, le}, {"central.local_offset", 42, 4, le},
	}},
	"gzip": {magic: []byte{0x1f, 0x8b, 0x08}, fields: []field{
		{"flags", 3, 1, le}, {"xlen(FEXTRA)", 10, 2, le},
	}},
	"xz": {magic: []byte{0xfd, '7', 'z', 'X', 'Z', 0}, fields: []field{
		{"stream_flags", 6, 2, le}, {"block_header_size", 12, 1, le}, {"block_flags", 13, 1, le},
		{"block.compressed_size", 14, 4, le},
	}},
	"uimage": {magic: []byte{0x27, 0x05, 0x19, 0x56}, fields: []field{
		{"ih_size", 12, 4, be}, {"ih_load", 16, 4, be}, {"ih_type", 30, 1, le}, {"ih_comp", 31, 1, le},
		{"multi.size0", 64, 4, be}, {"multi.size1", 68, 4, be},
	}, fix: fixUImage},
	"trx": {magic: []byte("HDR0"), fields: []field{
		{"len", 4, 4, le}, {"offset0", 16, 4, le}, {"offset1", 20, 4, le}, {"offset2", 24, 4, le},
	}},
	"fdt": {magic: []byte{0xd0, 0x0d, 0xfe, 0xed}, fields: []field{
		{"totalsize", 4, 4, be}, {"off_dt_struct", 8, 4, be}, {"off_dt_strings", 12, 4, be},
		{"off_mem_rsvmap", 16, 4, be}, {"size_dt_strings", 32, 4, be}, {"size_dt_struct", 36, 4, be},
	}},
	"android": {magic: []byte("ANDROID!"), fields: []field{
		{"kernel_size", 8, 4, le}, {"ramdisk_size", 16, 4, le}, {"second_size", 24, 4, le},
		{"page_size", 36, 4, le}, {"header_version", 40, 4, le},
	}},
	"sparse": {magic: []byte{0x3a, 0xff, 0x26, 0xed}, fields: []field{
		{"file_hdr_sz", 8, 2, le}, {"chunk_hdr_sz", 10, 2, le}, {"blk_sz", 12, 4, le},
		{"total_blks", 16, 4, le}, {"total_chunks", 20, 4, le}, {"chunk0.chunk_sz", 28 + 4, 4, le},
		{"chunk0.total_sz", 28 + 8, 4, le},
	}},
	"uefi": {magic: []byte("_FVH"), magicOff: 40, fields: []field{
		{"fv_length", 32, 8, le}, {"header_length", 48, 2, le}, {"ext_header_offset", 52, 2, le},
		{"block_map.num_blocks", 56, 4, le}, {"block_map.length", 60, 4, le},
	}, fix: fixFV},
	"lz4":   {magic: []byte{0x04, 0x22, 0x4d, 0x18}, fields: []field{{"flg_bd", 4, 2, le}, {"block0.size", 7, 4, le}}},
	"zstd":  {magic: []byte{0x28, 0xb5, 0x2f, 0xfd}, fields: []field{{"frame_header", 4, 1, le}, {"window|fcs", 5, 4, le}}},
	"bzip2": {magic: []byte("BZh"), fields: []field{{"level", 3, 1, le}}},
}

// formatsOf maps a seed family to the formats worth mutating in it: its own
// and those of the layers it carries.
func formatsOf(family string) []string {
	switch family {
	case "cpio":
		return []string{"cpio", "cpio-odc"}
	case "zip":
		return []string{"zip", "zip-local", "zip-central"}
	case "ubi":
		return []string{"ubi", "ubifs"}
	case "jffs2":
		return []string{"jffs2", "jffs2-be"}
	case "uimage":
		return []string{"uimage", "squashfs", "gzip"}
	case "fit", "fdt":
		return []string{"fdt"}
	case "trx", "chk", "seama", "wrgg", "ubnt":
		return []string{"trx", "uimage", "squashfs", "gzip", "lz4", "xz"}
	case "lzma", "lzop":
		return nil
	}
	if _, ok := formats[family]; ok {
		return []string{family}
	}
	return nil
}

// hostileValues are what a length, count or offset is set to: all ones, the
// signed maximum, a sign flip, zero, one, the field's own offset (a pointer
// into itself), the header's own start (a pointer backwards) and a length far
// past the input.
func hostileValues(width int, self, back, size int64) []uint64 {
	max := uint64(1)<<(8*uint(width)) - 1
	if width >= 8 {
		max = ^uint64(0)
	}
	vs := []uint64{max, max >> 1, max>>1 + 1, 0, 1, uint64(self), uint64(back), uint64(size) * 1000, uint64(size) + 1}
	for i, v := range vs {
		vs[i] = v & max
	}
	return vs
}

// put stores v in b[at:at+f.width] in the field's encoding; ASCII fields keep
// the low digits of a value too long for them.
func put(b []byte, at int, f field, v uint64) {
	w := b[at : at+f.width]
	switch f.enc {
	case le:
		for i := range w {
			w[i] = byte(v >> (8 * uint(i)))
		}
	case be:
		for i := range w {
			w[len(w)-1-i] = byte(v >> (8 * uint(i)))
		}
	case hexASCII, octASCII:
		base, digits := 16, f.width
		if f.enc == octASCII {
			base = 8
			if f.name == "size" || f.name == "mode" || f.name == "uid" || f.name == "mtime" || f.name == "devmajor" {
				digits = f.width - 1 // tar fields end in NUL or space
			}
		}
		s := strconv.FormatUint(v, base)
		if len(s) > digits {
			s = s[len(s)-digits:]
		}
		s = fmt.Sprintf("%0*s", digits, s)
		copy(w, s)
	}
}

// fixTar recomputes a tar header's checksum (the sum of its bytes with the
// field taken as spaces).
func fixTar(b []byte, at int) {
	if at+512 > len(b) {
		return
	}
	h := b[at : at+512]
	copy(h[148:156], "        ")
	var sum int64
	for _, v := range h {
		sum += int64(v)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

// fixUImage recomputes the legacy uImage header CRC (CRC-32 of the 64-byte
// header with ih_hcrc zeroed).
func fixUImage(b []byte, at int) {
	if at+64 > len(b) {
		return
	}
	h := b[at : at+64]
	binary.BigEndian.PutUint32(h[4:], 0)
	binary.BigEndian.PutUint32(h[4:], crc32.ChecksumIEEE(h))
}

// fixUBI recomputes the CRCs of an EC header and the VID header after it (UBI
// uses CRC-32 seeded with all ones and not inverted at the end).
func fixUBI(b []byte, at int) {
	for _, h := range []int{at, at + 64} {
		if h+64 <= len(b) {
			binary.BigEndian.PutUint32(b[h+60:], ^crc32.ChecksumIEEE(b[h:h+60]))
		}
	}
}

// fixUBIFS recomputes a UBIFS node's CRC over bytes 8..len of the node as it
// was before the mutation (ch.len itself may now be hostile).
func fixUBIFS(b []byte, at int) {
	if at+24 > len(b) {
		return
	}
	n := int(binary.LittleEndian.Uint32(b[at+16:]))
	if n < 24 || at+n > len(b) {
		n = min(4096, len(b)-at)
	}
	binary.LittleEndian.PutUint32(b[at+4:], ^crc32.ChecksumIEEE(b[at+8:at+n]))
}

// jffs2CRC is the kernel's crc32(0, ...): CRC-32 seeded with zero, not inverted.
func jffs2CRC(p []byte) uint32 { return ^crc32.Update(0xFFFFFFFF, crc32.IEEETable, p) }

// fixJFFS2 recomputes a node's header CRC and, for inode and dirent nodes,
// the node CRC, so that the mutated length reaches the parser.
func fixJFFS2(b []byte, at int) {
	if at+12 > len(b) {
		return
	}
	var o binary.ByteOrder = binary.LittleEndian
	if b[at] == 0x19 {
		o = binary.BigEndian
	}
	o.PutUint32(b[at+8:], jffs2CRC(b[at:at+8]))
	switch o.Uint16(b[at+2:]) &^ 0x2000 {
	case 0xC002: // inode: node_crc at 64 over the first 60 bytes
		if at+68 <= len(b) {
			o.PutUint32(b[at+64:], jffs2CRC(b[at:at+60]))
		}
	case 0xC001: // dirent: node_crc at 32 over the first 32 bytes
		if at+36 <= len(b) {
			o.PutUint32(b[at+32:], jffs2CRC(b[at:at+32]))
		}
	}
}

// fixCramfs recomputes the superblock CRC (CRC-32 of the image with the field
// zeroed) over the size the superblock now claims, when that fits.
func fixCramfs(b []byte, at int) {
	if at+48 > len(b) {
		return
	}
	n := int(binary.LittleEndian.Uint32(b[at+4:]))
	if n < 76 || at+n > len(b) {
		return
	}
	binary.LittleEndian.PutUint32(b[at+32:], 0)
	binary.LittleEndian.PutUint32(b[at+32:], crc32.ChecksumIEEE(b[at:at+n]))
}

// fixFV recomputes a firmware volume header's checksum: the 16-bit words of
// the header must sum to zero.
func fixFV(b []byte, at int) {
	if at+56 > len(b) {
		return
	}
	n := int(binary.LittleEndian.Uint16(b[at+48:]))
	if n < 56 || at+n > len(b) || n%2 != 0 {
		return
	}
	binary.LittleEndian.PutUint16(b[at+50:], 0)
	var sum uint16
	for i := 0; i < n; i += 2 {
		sum += binary.LittleEndian.Uint16(b[at+i:])
	}
	binary.LittleEndian.PutUint16(b[at+50:], -sum)
}
