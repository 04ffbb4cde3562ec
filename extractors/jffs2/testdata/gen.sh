#!/bin/sh
# Rebuilds the JFFS2 fixtures with mtd-utils' mkfs.jffs2 (Debian mtd-utils).
# Run as root (device nodes, owners) from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh

src=$tmp/src
fixture_tree "$src"
touch -d 2021-06-22T16:10:00Z $(find "$src")
treelist "$src" > tree.tree

# Compressor, byte order and erase block variants.
mkfs.jffs2 -l -r "$src" -o le.zlib.jffs2 -x lzo -x rtime
mkfs.jffs2 -b -r "$src" -o be.zlib.jffs2 -x lzo -x rtime
mkfs.jffs2 -l -r "$src" -o le.lzo.jffs2 -X lzo -x zlib -x rtime
mkfs.jffs2 -b -r "$src" -o be.rtime.jffs2 -x zlib -x lzo
mkfs.jffs2 -l -r "$src" -o le.none.padded.jffs2 -m none -e 0x4000 -p
mkfs.jffs2 -b -r "$src" -o be.lzo.e8k.nocm.jffs2 -X lzo -x zlib -e 0x2000 -n

# Newer versions and deletions: an appendage from mkfs.jffs2 -i after the
# tree changed (one file rewritten, one removed, one added).
cp le.zlib.jffs2 "$tmp/base.jffs2"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
rm "$src/etc/empty-file"
printf 'new\n' > "$src/etc/added"
touch -d 2021-06-22T16:10:00Z "$src/etc" "$src/etc/passwd" "$src/etc/added"
mkfs.jffs2 -l -r "$src" -i "$tmp/base.jffs2" -o "$tmp/append.jffs2" -x lzo -x rtime
cat "$tmp/base.jffs2" "$tmp/append.jffs2" > le.appended.jffs2
treelist "$src" > appended.tree

# Expected tree of the corpus image: the same root file system ships as a tar.
corpus=${FWSTAR_CORPUS:-$module/../shared/corpus}
if [ -f "$corpus/licheepi-nano-rootfs.tar" ]; then
	mkdir "$tmp/lichee"
	tar -xf "$corpus/licheepi-nano-rootfs.tar" -C "$tmp/lichee"
	treelist "$tmp/lichee" > licheepi-nano-rootfs.tree
fi

# Hostile images: one named field of le.zlib.jffs2 changed, CRCs recomputed
# so that the node still passes its checks.
python3 - <<'PY'
import struct, zlib
def crc(b): return zlib.crc32(b, 0xFFFFFFFF) ^ 0xFFFFFFFF
img = bytearray(open("le.zlib.jffs2", "rb").read())
def nodes(d):
    pos = 0
    while pos + 12 <= len(d):
        magic, typ, totlen = struct.unpack_from("<HHI", d, pos)
        if magic != 0x1985:
            pos += 4
            continue
        yield pos, typ, totlen
        pos += (totlen + 3) & ~3
def dirent(d, name):
    for pos, typ, _ in nodes(d):
        if typ == 0xE001 and d[pos+40:pos+40+d[pos+28]] == name:
            return pos
def newest_inode(d, ino):
    return [p for p, t, _ in nodes(d) if t == 0xE002 and struct.unpack_from("<I", d, p+12)[0] == ino][-1]
def fix_dirent(d, pos):
    n = d[pos+28]
    struct.pack_into("<I", d, pos+32, crc(d[pos:pos+32]))
    struct.pack_into("<I", d, pos+36, crc(d[pos+40:pos+40+n]))
def fix_inode(d, pos):
    struct.pack_into("<I", d, pos+64, crc(d[pos:pos+60]))
def fix_header(d, pos):
    struct.pack_into("<I", d, pos+8, crc(d[pos:pos+8]))

# name: "passwd" becomes ".." and "random.bin" becomes "../../x/y"
d = bytearray(img); p = dirent(d, b"passwd"); d[p+28] = 2; d[p+40:p+42] = b".."; fix_dirent(d, p)
p = dirent(d, b"random.bin"); d[p+40:p+50] = b"../../x/yz"; fix_dirent(d, p)
open("evil-traversal.jffs2", "wb").write(d)
# ino: directory init.d made a second name of its parent etc (a loop)
d = bytearray(img); p = dirent(d, b"init.d"); struct.pack_into("<I", d, p+20, struct.unpack_from("<I", d, p+12)[0]); fix_dirent(d, p)
open("evil-loop.jffs2", "wb").write(d)
# isize: numbers.txt claims 4 GiB - 1 (a sparse tail of zeros)
d = bytearray(img); p = dirent(d, b"numbers.txt"); ino = struct.unpack_from("<I", d, p+20)[0]
q = newest_inode(d, ino); struct.pack_into("<I", d, q+28, 0xFFFFFFFF); fix_inode(d, q)
open("evil-isize.jffs2", "wb").write(d)
# totlen: the first inode node claims 3 GiB; node_crc: the second one is wrong
d = bytearray(img); q, r = [p for p, t, _ in nodes(d) if t == 0xE002][:2]
struct.pack_into("<I", d, q+4, 0xC0000000); fix_header(d, q)
d[r+64] ^= 0xFF
open("evil-badnodes.jffs2", "wb").write(d)
PY
