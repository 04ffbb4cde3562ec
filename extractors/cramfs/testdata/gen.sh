#!/bin/sh
# Rebuilds the cramfs fixtures with util-linux's mkfs.cramfs and cramfsswap
# (Debian util-linux, cramfsswap). Expected trees come from fsck.cramfs -x.
# Run as root (device nodes, owners) from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh

src=$tmp/src
fixture_tree "$src"

mkfs.cramfs -N little -n fwstar "$src" le.cramfs
mkfs.cramfs -N big -n fwstar "$src" be.cramfs
cramfsswap le.cramfs le-swapped.cramfs >/dev/null
mkfs.cramfs -N little -p "$src" le.padded.cramfs
mkfs.cramfs -N little -z "$src" le.holes.cramfs
mkfs.cramfs -N little -b 16384 "$src" le.b16k.cramfs
for f in le.cramfs le.padded.cramfs be.cramfs; do
	rm -rf "$tmp/x" && fsck.cramfs --extract="$tmp/x" "$f" && treelist "$tmp/x" > "${f%.cramfs}.tree"
done
rm -rf "$tmp/x" && fsck.cramfs -b 16384 --extract="$tmp/x" le.b16k.cramfs && treelist "$tmp/x" > le.b16k.tree
# fsck.cramfs refuses the holes flag that -z sets; the tree is the source's.
treelist "$src" > le.holes.tree

# Hostile and older images: one named field of le.cramfs changed; the CRC
# is recomputed unless the CRC is the point.
python3 - <<'PY'
import struct, zlib
img = bytes(open("le.cramfs", "rb").read())
def entries(d):
    # (position, mode, size, namelen, offset, name) of every directory entry
    out, todo, seen = [], [struct.unpack_from("<III", d, 64)], set()
    while todo:
        w0, w1, w2 = todo.pop()
        off, size = (w2 >> 6) * 4, w1 & 0xFFFFFF
        if off in seen: continue
        seen.add(off)
        pos = off
        while pos < off + size:
            e = struct.unpack_from("<III", d, pos)
            nl = (e[2] & 0x3F) * 4
            out.append((pos, e[0] & 0xFFFF, e[1] & 0xFFFFFF, nl, (e[2] >> 6) * 4, d[pos+12:pos+12+nl].rstrip(b"\0")))
            if e[0] & 0o170000 == 0o040000: todo.append(e)
            pos += 12 + nl
    return out
def find(d, name): return next(e for e in entries(d) if e[5] == name)
def fixcrc(d):
    d[32:36] = b"\0\0\0\0"
    struct.pack_into("<I", d, 32, zlib.crc32(bytes(d)))
# name: "passwd" becomes ".."
d = bytearray(img); e = find(d, b"passwd"); d[e[0]+12:e[0]+12+e[3]] = b"..".ljust(e[3], b"\0"); fixcrc(d)
open("evil-traversal.cramfs", "wb").write(d)
# offset: directory "init.d" points at the root's entries (a loop)
d = bytearray(img); e = find(d, b"init.d"); struct.pack_into("<I", d, e[0]+8, (e[3]//4) | (76//4) << 6); fixcrc(d)
open("evil-loop.cramfs", "wb").write(d)
# size: numbers.txt claims 16 MiB - 1
d = bytearray(img); e = find(d, b"numbers.txt"); w1 = struct.unpack_from("<I", d, e[0]+4)[0]
struct.pack_into("<I", d, e[0]+4, (w1 & 0xFF000000) | 0xFFFFFF); fixcrc(d)
open("evil-size.cramfs", "wb").write(d)
# fsid.crc: wrong (the image is otherwise sound)
d = bytearray(img); d[32] ^= 0xFF
open("bad-crc.cramfs", "wb").write(d)
# flags: version 2 bit cleared, as in version 1 images (no size, no CRC)
d = bytearray(img); struct.pack_into("<I", d, 8, struct.unpack_from("<I", d, 8)[0] & ~1)
open("v1.cramfs", "wb").write(d)
PY
