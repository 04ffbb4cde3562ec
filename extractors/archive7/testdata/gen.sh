#!/bin/sh
# Rebuilds the 7z fixtures with Debian's 7-Zip (7zip package, 7z), and their
# expected trees from its own extraction (7z x -snl -snld).
# Run from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh

src=$tmp/src
archive_tree "$src"
find "$src" -exec touch -h -d @1600000000 {} +

rm -f ./*.7z
mk() { # archive, 7z options
	out=$PWD/$1; shift
	(cd "$src" && 7z a -bd -snl "$@" "$out" . >/dev/null)
}
mk lzma2.7z
mk copy.7z -mx=0
mk nonsolid.7z -ms=off -m0=lzma
mk bzip2.7z -m0=bzip2
mk encrypted.7z -pfwstar
mk encrypted-headers.7z -pfwstar -mhe=on
for f in lzma2 copy nonsolid bzip2; do
	rm -rf "$tmp/x" && 7z x -bd -snl -snld -o"$tmp/x" "$f.7z" >/dev/null
	treelist "$tmp/x" > "$f.tree"
	# 7z x drops setuid, setgid and sticky bits: modes come from 7z l -slt.
	7z l -slt "$f.7z" | python3 -c '
import sys
modes, path = {}, None
for l in sys.stdin:
    if l.startswith("Path = "): path = l[7:].rstrip("\n")
    if l.startswith("Attributes = ") and " " in l[13:].strip():
        m = l.split()[-1][1:]
        bits = sum(1 << (8 - i) for i, c in enumerate(m) if c not in "-ST")
        bits |= (0o4000 if m[2] in "sS" else 0) | (0o2000 if m[5] in "sS" else 0) | (0o1000 if m[8] in "tT" else 0)
        modes[path] = bits
out = []
for l in open(sys.argv[1]).read().splitlines():
    c = l.split("\t")
    if c[1] != "symlink": c[2] = "%o" % modes[c[0]]
    out.append("\t".join(c))
open(sys.argv[1], "w").write("\n".join(out) + "\n")' "$f.tree"
done

# Hostile archives: one named field of a real archive changed, the CRCs of
# the headers recomputed so that only the field is wrong. A plain
# (uncompressed) header makes the fields reachable.
mk plain-header.7z -mhc=off
python3 - <<'PY'
import struct, zlib
a = bytearray(open("plain-header.7z", "rb").read())
off, size = struct.unpack_from("<QQ", a, 12)
hdr = bytes(a[32 + off:32 + off + size])
def save(h, name):
    d = a[:32 + off] + h
    struct.pack_into("<QQI", d, 12, off, len(h), zlib.crc32(h))
    struct.pack_into("<I", d, 8, zlib.crc32(bytes(d[12:32])))
    open(name, "wb").write(d)
# PackInfo: the size of the one packed stream becomes 2^62 (0xFF + 8 bytes)
i = hdr.index(b"\x06\x00\x01\x09") + 4
n = bin(hdr[i] | 0x100)[3:].index("0") if hdr[i] != 0xFF else 8  # extra bytes of a 7z number
save(hdr[:i] + b"\xff" + struct.pack("<Q", 1 << 62) + hdr[i + 1 + n:], "evil-packsize.7z")
# FilesInfo: the number of files, 15, becomes 2^32 - 1 (the library would
# allocate 500 GB for it)
i = hdr.index(b"\x05\x0f")
save(hdr[:i + 1] + b"\xf0\xff\xff\xff\xff" + hdr[i + 2:], "evil-numfiles.7z")
PY
# A byte of packed data flipped: the LZMA stream or its CRC fails.
cp lzma2.7z evil-data.7z && printf '\377' | dd of=evil-data.7z bs=1 seek=200 conv=notrunc 2>/dev/null
