#!/bin/sh
# Rebuilds the RAR fixtures with RARLAB rar 7.01 (Debian non-free package
# "rar"), and their expected trees from RARLAB unrar's own extraction
# (package "unrar", unrar x -ow). RAR 7 no longer writes RAR 4.x archives
# (-ma4 is gone), so those come from rar 6.23 of Debian 11's non-free
# (apt-get download rar=2:6.23-1~deb11u1; dpkg-deb -x it; set RAR6 to its
# usr/bin/rar). Run from this folder: RAR6=/tmp/rar6/usr/bin/rar sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh

# The archive source tree and a file owned by 1000:1000.
src=$tmp/src
archive_tree "$src"
echo user > "$src/etc/user-file" && chown 1000:1000 "$src/etc/user-file"
find "$src" -exec touch -h -d @1600000000 {} +

rm -f ./*.rar ./*.tree
: "${RAR6:?set RAR6 to rar 6.x}"
mk() { # archive, rar options
	out=$PWD/$1; shift
	(cd "$src" && $rar a -idq -r -ol -ow "$@" "$out" '*' >/dev/null)
}
rar=rar
mk rar5.rar -ma5
mk rar5-store.rar -ma5 -m0
mk rar5-solid.rar -ma5 -s -m5
rar=$RAR6
mk rar4.rar -ma4
mk rar4-solid.rar -ma4 -s -m5
mk encrypted.rar -ma5 -pfwstar
mk encrypted-headers.rar -ma5 -hpfwstar
mk encrypted4.rar -ma4 -pfwstar
rar=rar
# Two volumes: bin/random.bin is split across them.
mk vol.rar -ma5 -m0 -v20k
# Links: a file, a reference to it (-oi, "file copy"), a hard link to the
# reference (-oh) and a symlink to a directory.
mkdir -p "$tmp/links/d"
seq 1 3000 > "$tmp/links/d/a.txt"
ln "$tmp/links/d/a.txt" "$tmp/links/hard.txt"
cp "$tmp/links/d/a.txt" "$tmp/links/copy.txt"
ln -s d "$tmp/links/dirlink"
find "$tmp/links" -exec touch -h -d @1600000000 {} +
out=$PWD/links.rar
(cd "$tmp/links" && rar a -idq -r -ma5 -ol -oh -oi:1 "$out" '*' >/dev/null)
for f in rar5 rar5-store rar5-solid rar4 rar4-solid links; do
	rm -rf "$tmp/x" && mkdir "$tmp/x"
	(cd "$tmp/x" && unrar x -idq -ow "$module/extractors/rar/testdata/$f.rar")
	treelist "$tmp/x" > "$f.tree"
done

# Hostile names: rar writes none, so the name "etc/passwd" of a real archive
# becomes "../evil.sh" (same length) and the header CRC is recomputed.
python3 - <<'PY'
import struct, zlib
import re
def rar5(src, dst):
    a = bytearray(open(src, "rb").read())
    i = a.index(b"\x0aetc/passwd") + 1  # name length 10, name
    a[i:i + 10] = b"../evil.sh"
    # the block holding the name: CRC32 of (size vint + header) sits before it
    p = 8
    while True:
        size, n = 0, 0
        while True:
            c = a[p + 4 + n]; size |= (c & 0x7F) << (7 * n); n += 1
            if c < 0x80: break
        hdr_end = p + 4 + n + size
        if p < i < hdr_end:
            struct.pack_into("<I", a, p, zlib.crc32(bytes(a[p + 4:hdr_end])))
            break
        # header: type, flags, [extra size], [data size]
        q = p + 4 + n
        vals = []
        for _ in range(4):
            v, m = 0, 0
            while True:
                c = a[q]; v |= (c & 0x7F) << (7 * m); q += 1; m += 1
                if c < 0x80: break
            vals.append(v)
        typ, flags = vals[0], vals[1]
        data = 0
        if flags & 2: data = vals[3] if flags & 1 else vals[2]
        p = hdr_end + data
    open(dst, "wb").write(a)
def rar4(src, dst):
    a = bytearray(open(src, "rb").read())
    # NAME_SIZE, ATTR, name; RAR 4 separates with backslashes
    i = re.search(rb"\x0a\x00.{4}etc\\passwd", a, re.S).start() + 6
    a[i:i + 10] = b"..\\evil.sh"
    p = 7
    while True:
        flags, hsize = struct.unpack_from("<HH", a, p + 3)
        add = struct.unpack_from("<I", a, p + 7)[0] if flags & 0x8000 else 0
        if p < i < p + hsize:
            struct.pack_into("<H", a, p, zlib.crc32(bytes(a[p + 2:p + hsize])) & 0xFFFF)
            break
        p += hsize + add
    open(dst, "wb").write(a)
rar5("rar5.rar", "traversal5.rar")
rar4("rar4.rar", "traversal4.rar")
PY
