#!/bin/sh
# Rebuilds the vendor-tool fixtures (see README.md) with the real writers from
# OpenWrt firmware-utils (commit d21804addba650f2c538267e15fedd2d635a0506),
# around payloads made by Debian's tools: an lzma kernel in a mkimage uImage
# and a small xz squashfs from mksquashfs. Bring your own builds of the
# writers; this script only runs them:
#   FWU_BIN=/dir/with/mktplinkfw2,tplink-safeloader,buffalo-enc,buffalo-tag,dns313-header,mkdniimg sh vendortools.sh
# Needs u-boot-tools, squashfs-tools, xz-utils (lzma), python3 (hostile
# mutants only).
set -eu
cd "$(dirname "$0")"
b=${FWU_BIN:?set FWU_BIN to a folder holding the firmware-utils writers}
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Payloads. The rootfs: a shadow file, a banner, a busybox stand-in and a
# symlink to it; its expected listing comes from unsquashfs.
p=$tmp/p
mkdir -p "$p/root/etc" "$p/root/bin"
printf 'root:$1$fwstar$abcdefghijklmnopqrstu/:19000:0:99999:7:::\n' > "$p/root/etc/shadow"
printf 'fwstar vendor fixture\n' > "$p/root/etc/banner"
seq 1 300 > "$p/root/bin/busybox"
ln -s busybox "$p/root/bin/sh"
touch -h -d @$SOURCE_DATE_EPOCH "$p/root" "$p/root/etc" "$p/root/bin" "$p/root/etc/shadow" "$p/root/etc/banner" "$p/root/bin/busybox" "$p/root/bin/sh"
mksquashfs "$p/root" "$p/root.sqfs" -comp xz -noappend -all-root -quiet >/dev/null
unsquashfs -q -d "$p/x" "$p/root.sqfs" >/dev/null
(cd ../../.. && go run ./extractors/sinktest/treelist "$p/x") > vendor-rootfs.tree
seq 1 2000 | sed 's/^/kernel line /' | lzma -9 -c > "$p/k.lzma"
mkimage -A mips -O linux -T kernel -C lzma -a 0x80000000 -e 0x80000000 -n "fwstar kernel" -d "$p/k.lzma" "$p/kernel.uimage" >/dev/null
cat "$p/kernel.uimage" "$p/root.sqfs" > "$p/fw.bin"

# TP-Link v2: separate kernel and rootfs, rootfs aligned to 4 bytes, padding stripped.
"$b/mktplinkfw2" -H 0x08410013 -W 1 -F 8Mmtk -V "ver. 2.0" -v 3.16.9 -k "$p/kernel.uimage" -r "$p/root.sqfs" \
	-a 0x4 -s -o tplinkv2.bin >/dev/null 2>&1
# TP-Link v2, combined: kernel and rootfs as one "kernel".
"$b/mktplinkfw2" -c -H 0x08410013 -W 1 -F 8Mmtk -V "ver. 2.0" -v 3.16.9 -k "$p/fw.bin" -s -o tplinkv2-combined.bin >/dev/null 2>&1
# Safeloader factory image for the CPE210 v1 (a vendor block, numeric soft-version).
"$b/tplink-safeloader" -B CPE210 -V r12345 -k "$p/kernel.uimage" -r "$p/root.sqfs" -o safeloader.bin
# Buffalo: kernel+rootfs encrypted (256-byte and long state), the first one tagged;
# a two-file tag and a DHP (tag3) one.
"$b/buffalo-enc" -p WZR-HP-G300NH -v 1.99 -i "$p/fw.bin" -o buffalo.enc
"$b/buffalo-enc" -l -p WZR-HP-G300NH -v 1.99 -i "$p/fw.bin" -o buffalo-long.enc
"$b/buffalo-tag" -a ath -b Buffalo -p WZR-HP-G300NH -v 1.99 -m 1.01 -l mlang8 -r M_ -w 3 -c 0x80041000 -d 0x801e8000 -f 1 \
	-i buffalo.enc -o buffalo.tag
"$b/buffalo-tag" -a ath -b Buffalo -p WZR-HP-G300NH -v 1.99 -l mlang8 -r JP -i "$p/kernel.uimage" -i "$p/root.sqfs" -o buffalo2.tag
"$b/buffalo-tag" -a ath -b Buffalo -p WHR-G301N -v 1.99 -l mlang8 -r JP -I "$p/fw.bin" -o buffalo3.tag
# D-Link DNS-313: the header on a rootfs file.
"$b/dns313-header" "$p/root.sqfs" dns313.bin >/dev/null
# Netgear DNI.
"$b/mkdniimg" -B WNR3500L -v 1.2.2.48_35.0.55 -r "" -H 29763654+16+128 -i "$p/fw.bin" -o netgear.dni

# Hostile mutants of the tools' output, each changing one named field.
python3 - <<'PY'
import struct, zlib
def mut(src, dst, off, data):
    b = bytearray(open(src, "rb").read()); b[off:off+len(data)] = data; open(dst, "wb").write(bytes(b))
# TP-Link v2 md5sum1 flipped: a mismatch note, not a refusal.
b = open("tplinkv2.bin", "rb").read()
mut("tplinkv2.bin", "evil-md5.tplinkv2", 0x40, bytes(x ^ 0xff for x in b[0x40:0x44]))
# Buffalo data byte flipped: decrypts with a checksum mismatch.
mut("buffalo.enc", "evil-data.enc", 100, bytes([open("buffalo.enc", "rb").read()[100] ^ 1]))
# DNS-313 size = 0xFFFFFFFF, header CRC recomputed.
b = bytearray(open("dns313.bin", "rb").read()); b[12:16] = b"\xff\xff\xff\xff"; b[4:8] = bytes(4)
b[4:8] = struct.pack(">I", zlib.crc32(bytes(b[:0x68]))); open("evil-size.dns313", "wb").write(bytes(b))
# Safeloader file-system partition size 0xFFFFF: past the image end.
b = open("safeloader.bin", "rb").read(); i = b.index(b"file-system base")
j = b.index(b"size 0x", i) + 7; mut("safeloader.bin", "evil-ptn.safeloader", j, b"fffff")
PY
