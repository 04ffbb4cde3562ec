#!/bin/sh
# Rebuilds the UBI and UBIFS fixtures with mtd-utils' mkfs.ubifs and ubinize
# (Debian mtd-utils). Expected trees are the source tree's, listed by treelist.
# Run as root (device nodes, owners) from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh

src=$tmp/src
fixture_tree "$src"
treelist "$src" > tree.tree

# Bare UBIFS, one per compressor; NOR-like geometry keeps them small.
for c in lzo zlib none; do
	mkfs.ubifs -r "$src" -m 8 -e 16256 -c 64 -x $c -o $c.ubifs
done

# UBI with two volumes: a dynamic UBIFS (zstd) and a static "kernel".
mkfs.ubifs -r "$src" -m 8 -e 16256 -c 64 -x zstd -o "$tmp/rootfs.ubifs"
gzip -9n < "$src/usr/share/doc/numbers.txt" > "$tmp/kernel"
cat > "$tmp/ubinize.cfg" <<CFG
[kernel]
mode=ubi
vol_id=0
vol_type=static
vol_name=kernel
image=$tmp/kernel

[rootfs]
mode=ubi
vol_id=1
vol_type=dynamic
vol_name=rootfs
vol_size=1MiB
vol_flags=autoresize
image=$tmp/rootfs.ubifs
CFG
ubinize -o two-volumes.ubi -p 16KiB -m 8 -Q 1234 "$tmp/ubinize.cfg"
# The volumes as blobs are the images ubinize was given.
mkdir "$tmp/blobs"
cp "$tmp/kernel" "$tmp/blobs/kernel"
cp "$tmp/rootfs.ubifs" "$tmp/blobs/rootfs"
treelist "$tmp/blobs" | sed 's/\tfile\t/\tblob\t/' > two-volumes.tree

# Hostile and versioned images, one named field of a real image changed
# (header CRCs recomputed so the change is seen).
python3 - <<'PY'
import struct, zlib, hashlib
def crc(b): return zlib.crc32(b) ^ 0xFFFFFFFF  # UBI: no final inversion
peb = 16384
ubi = bytearray(open("two-volumes.ubi", "rb").read())
def vid(d, i):
    ec = d[i*peb:i*peb+64]; vo, do = struct.unpack_from(">II", ec, 16)
    return i*peb + vo, i*peb + do
def find(d, vol, lnum):
    for i in range(len(d) // peb):
        v, do = vid(d, i)
        if d[v:v+4] == b"UBI!" and struct.unpack_from(">II", d, v+8) == (vol, lnum): return i
def fixvid(d, v): struct.pack_into(">I", d, v+60, crc(bytes(d[v:v+60])))
# sqnum: a newer copy (copy_flag set, data changed, data_crc right) of
# LEB 0 of "kernel" appended, then a yet newer copy whose data_crc is wrong:
# the first must win, the second be ignored.
i = find(ubi, 0, 0); blk = bytearray(ubi[i*peb:(i+1)*peb])
v, do = [x - i*peb for x in vid(ubi, i)]
size = struct.unpack_from(">I", blk, v+20)[0]
newer = bytearray(blk); newer[do:do+4] = b"NEW!"
struct.pack_into(">BB", newer, v+5, 2, 1)  # static, copy_flag
struct.pack_into(">I", newer, v+32, crc(bytes(newer[do:do+size])))
struct.pack_into(">Q", newer, v+40, struct.unpack_from(">Q", blk, v+40)[0] + 100); fixvid(newer, v)
broken = bytearray(newer); broken[do:do+4] = b"BAD!"
struct.pack_into(">Q", broken, v+40, struct.unpack_from(">Q", blk, v+40)[0] + 200); fixvid(broken, v)
d = ubi + newer + broken
open("newer-leb.ubi", "wb").write(d)
data = bytes(newer[do:do+size])
# The expected "kernel" blob: the new LEB 0, then LEBs 1.. as they were.
open("newer-leb.sha256", "w").write(hashlib.sha256(data + b"".join(
    bytes(ubi[vid(ubi, j)[1]:vid(ubi, j)[1] + struct.unpack_from(">I", ubi, vid(ubi, j)[0]+20)[0]])
    for j in [find(ubi, 0, n) for n in range(1, struct.unpack_from(">I", ubi, vid(ubi, i)[0]+24)[0])])).hexdigest() + "\n")
# lnum: a rootfs LEB claims LEB number 0x7FFFFFF0
d = bytearray(ubi); i = find(d, 1, 3); v, _ = vid(d, i); struct.pack_into(">I", d, v+12, 0x7FFFFFF0); fixvid(d, v)
open("evil-lnum.ubi", "wb").write(d)
# volume name: "rootfs" becomes "../../x" in both volume table copies
d = bytearray(ubi)
for n in (0, 1):
    _, do = vid(d, find(d, 0x7FFFEFFF, n)); r = do + 172
    struct.pack_into(">H", d, r+14, 7); d[r+16:r+23] = b"../../x"; struct.pack_into(">I", d, r+168, crc(bytes(d[r:r+168])))
open("evil-name.ubi", "wb").write(d)

# UBIFS: an index node whose first branch points back at itself (a loop),
# and a data node's size field claims 64 KiB.
fs = bytearray(open("lzo.ubifs", "rb").read())
leb = struct.unpack_from("<I", fs, 36)[0]
def ucrc(b): return zlib.crc32(b) ^ 0xFFFFFFFF
def nodes(d):
    pos = 0
    while pos + 24 <= len(d):
        if struct.unpack_from("<I", d, pos)[0] == 0x06101831:
            n = struct.unpack_from("<I", d, pos+16)[0]
            yield pos, d[pos+20], n
            pos += max(8, (n + 7) & ~7)
        else:
            pos += 8
def fixnode(d, p): struct.pack_into("<I", d, p+4, ucrc(bytes(d[p+8:p+struct.unpack_from("<I", d, p+16)[0]])))
d = bytearray(fs)
p = next(p for p, t, _ in nodes(d) if t == 9 and struct.unpack_from("<H", d, p+26)[0] > 0)
struct.pack_into("<II", d, p+28, p // leb, p % leb); fixnode(d, p)
open("evil-index-loop.ubifs", "wb").write(d)
d = bytearray(fs)
p = next(p for p, t, _ in nodes(d) if t == 1)
struct.pack_into("<I", d, p+40, 65536); fixnode(d, p)
open("evil-data-size.ubifs", "wb").write(d)
PY
