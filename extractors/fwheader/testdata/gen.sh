#!/bin/sh
# Rebuilds the fwheader fixtures. Needs u-boot-tools (mkimage), gzip, xz,
# python3. uImages come from mkimage; TRX, CHK, SEAMA and the other vendor
# headers have no Debian tool, so they are format-constructed: python3 writes
# the header fields from the public format description in front of payloads
# made by real compressors (see README.md).
set -eu
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Payloads: a compressible text, gzip'd and xz'd by the real tools.
seq 1 3000 | sed 's/^/fwstar fixture line /' > "$tmp/text"
gzip -9 -n -c "$tmp/text" > "$tmp/text.gz"
xz -9 -c "$tmp/text" > "$tmp/text.xz"

# Legacy kernel image, header says gzip and the payload is gzip.
mkimage -A arm -O linux -T kernel -C gzip -a 0x80008000 -e 0x80008000 -n "fwstar kernel" \
	-d "$tmp/text.gz" kernel.gzip.uimage >/dev/null
# Header says gzip, payload is xz (the Debian Buffalo initrd case).
mkimage -A arm -O linux -T ramdisk -C gzip -n "says gzip is xz" -d "$tmp/text.xz" ramdisk.lies.uimage >/dev/null
# Multi-file image: kernel + ramdisk.
mkimage -A mips -O linux -T multi -C none -a 0x80060000 -e 0x80060000 -n "fwstar multi" \
	-d "$tmp/text.gz:$tmp/text.xz" multi.uimage >/dev/null

# Hostile mutants of mkimage output, header CRC recomputed so they pass it.
python3 - <<'PY'
import struct, zlib
def fixhcrc(b):
    b = bytearray(b); b[4:8] = b"\0\0\0\0"
    b[4:8] = struct.pack(">I", zlib.crc32(bytes(b[:64])) & 0xffffffff)
    return bytes(b)
k = open("kernel.gzip.uimage", "rb").read()
# ih_size = 0xFFFFFFFF: a length far past the end.
open("evil-size.uimage", "wb").write(fixhcrc(k[:12] + b"\xff\xff\xff\xff" + k[16:]))
# ih_dcrc flipped: data CRC mismatch (a note, not a rejection).
open("evil-dcrc.uimage", "wb").write(fixhcrc(k[:24] + bytes(x ^ 0xff for x in k[24:28]) + k[28:]))
m = open("multi.uimage", "rb").read()
# first multi size = 0x7FFFFFF0: the image list points past the end.
open("evil-multi.uimage", "wb").write(m[:64] + b"\x7f\xff\xff\xf0" + m[68:])
PY

# Format-constructed vendor headers (no Debian tool writes them): python3
# computes each field as OpenWrt firmware-utils documents it (trx.c,
# mkchkimg.c, seama.h, mkwrggimg.c, mkfwimage.c) in front of the payloads
# above, which gzip and xz made.
python3 - "$tmp/text.gz" "$tmp/text.xz" <<'PY'
import hashlib, struct, sys, zlib
gz = open(sys.argv[1], "rb").read()
xz = open(sys.argv[2], "rb").read()
pad4 = lambda b: b + bytes(-len(b) % 4)

# TRX v1: loader (gzip) at 0x1C, kernel (xz) and rootfs (gzip) after it.
loader, kernel, rootfs = pad4(gz), pad4(xz), gz
offs = [28, 28 + len(loader), 28 + len(loader) + len(kernel)]
body = struct.pack("<I", 1 << 16) + struct.pack("<3I", *offs) + loader + kernel + rootfs
length = 12 + len(body)
crc = zlib.crc32(body) ^ 0xffffffff  # trx.c: no final inversion
open("v1.trx", "wb").write(b"HDR0" + struct.pack("<II", length, crc) + body)
# TRX v2: four offsets, the last (bin-header) unused.
offs2 = [32, 32 + len(loader), 32 + len(loader) + len(kernel), 0]
body2 = struct.pack("<I4I", 2 << 16, *offs2) + loader + kernel + rootfs
open("v2.trx", "wb").write(b"HDR0" + struct.pack("<II", 12 + len(body2), zlib.crc32(body2) ^ 0xffffffff) + body2)

# Netgear CHK: board id "U12H139T00_NETGEAR", kernel xz, rootfs gzip.
def ngsum(b):
    c0 = c1 = 0
    for x in b:
        c0 = (c0 + x) & 0xffffffff
        c1 = (c1 + c0) & 0xffffffff
    f = lambda v: (((v & 0xffff) + (v >> 16)) >> 16) + ((v & 0xffff) + (v >> 16)) & 0xffff
    return f(c1) << 16 | f(c0)
board = b"U12H139T00_NETGEAR"
hl = 40 + len(board)
def chk(hsum):
    return (b"*#$^" + struct.pack(">I", hl) + bytes(8) + struct.pack(">6I", ngsum(xz), ngsum(gz), len(xz), len(gz),
            ngsum(xz + gz), hsum) + board)
open("netgear.chk", "wb").write(chk(ngsum(chk(0))) + xz + gz)

# SEAMA: metadata "dev=/dev/mtdblock/1" "type=firmware", image = xz, MD5 of it;
# and a sealed one: an outer SEAMA of size 0 around it.
meta = pad4(b"dev=/dev/mtdblock/1\0type=firmware\0")
inner = struct.pack(">IHHI", 0x5EA3A417, 0, len(meta), len(xz)) + hashlib.md5(xz).digest() + meta + xz
open("firmware.seama", "wb").write(inner)
smeta = pad4(b"signature=wrgac01_dlink.2013gui_dir860lb\0")
open("sealed.seama", "wb").write(struct.pack(">IHHI", 0x5EA3A417, 0, len(smeta), 0) + bytes(16) + smeta + inner)

# D-Link WRGG03, little-endian (mkwrggimg without -b), data = gzip.
def s(v, n): return v.encode().ljust(n, b"\0")
wrgg = (s("wapac09_dkbs_dap2610", 32) + struct.pack("<II", 0x20080321, 0x20080321) + s("1.00", 16) +
        s("DAP-2610", 16) + struct.pack("<4I", 0, 0, 0, 0) + s("0001", 16) + struct.pack("<II", len(gz), 0x40000) +
        s("/dev/mtdblock/2", 32) + hashlib.md5(gz).digest())
assert len(wrgg) == 160
open("dap2610.wrgg", "wb").write(wrgg + gz)

# Ubiquiti: header "UBNT" + version, parts "kernel" (xz) and "rootfs" (gzip), "END.".
def part(name, data, index, mem):
    h = b"PART" + s(name, 16) + bytes(12) + struct.pack(">6I", mem, index, mem, mem, len(data), 0x100000)
    return h + data + struct.pack(">II", zlib.crc32(h + data), 0)
ver = s("XM.ar7240.v5.6.3.28591.151130.1749", 256)
hdr = b"UBNT" + ver
img = hdr + struct.pack(">II", zlib.crc32(hdr), 0) + part("kernel", xz, 1, 0x80002000) + part("rootfs", gz, 2, 0x9f050000)
img += b"END." + struct.pack(">II", zlib.crc32(img), 0)
open("xm.ubnt", "wb").write(img)
PY
