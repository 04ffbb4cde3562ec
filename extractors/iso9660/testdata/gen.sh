#!/bin/sh
# Rebuilds the ISO 9660 fixtures with cdrkit's genisoimage, and their
# expected trees from xorriso's extraction (-osirrox on -extract).
# Run as root (device nodes, owners) from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh
export SOURCE_DATE_EPOCH=1700000000

# The source tree: multi-sector files, long and Unicode names, a directory
# nested nine deep (relocated by Rock Ridge), symlinks, a hard link, a
# device, a fifo, setuid, owners 1000:100.
src=$tmp/src
mkdir -p "$src/bin" "$src/dev" "$src/etc/init.d" "$src/empty" "$src/usr/share/doc" "$src/a/b/c/d/e/f/g/h/i"
seq 1 4000 > "$src/usr/share/doc/numbers.txt"
openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
	head -c 12000 > "$src/bin/random.bin"
printf 'root::0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
ln "$src/etc/passwd" "$src/etc/passwd.hard"
: > "$src/etc/empty-file"
printf '#!/bin/sh\necho up\n' > "$src/etc/init.d/rcS"
chmod 755 "$src/etc/init.d/rcS"
cp "$src/etc/init.d/rcS" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
chown 1000:100 "$src/etc/init.d/rcS"
echo deep > "$src/a/b/c/d/e/f/g/h/i/deep.txt"
echo 'long name' > "$src/A file with a rather long name, longer than 64 characters in all.conf"
echo unicode > "$src/usr/share/doc/日本語.txt"
ln -s ../etc/passwd "$src/bin/passwd-link"
ln -s /usr/share/doc/a/very/long/target/path/that/does/not/fit/in/one/component/record.txt "$src/long-link"
mknod "$src/dev/console" c 5 1
mknod "$src/dev/mtdblock0" b 31 0
mkfifo "$src/dev/initctl"
find "$src" -exec touch -h -d @1600000000 {} +

gen() { genisoimage -quiet -input-charset utf-8 -V FWSTAR "$@" "$src"; }
gen -R -o rr.iso
gen -J -o joliet.iso
gen -o plain.iso
gen -R -J -o rr-joliet.iso
for f in rr joliet plain rr-joliet; do
	rm -rf "$tmp/x"
	xorriso -osirrox on -indev "$f.iso" -extract / "$tmp/x" >/dev/null 2>&1
	treelist "$tmp/x" > "$f.tree"
	# xorriso cannot mknod the device numbers genisoimage writes (below):
	# the devices come from its listing instead.
	xorriso -indev "$f.iso" -find / -type c -exec lsdl -- -find / -type b -exec lsdl -- 2>/dev/null |
		python3 -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
for l in sys.stdin:
    f = l.split()
    mode, bits = f[0], 0
    for i, c in enumerate(mode[1:10]):
        if c != "-": bits |= 1 << (8 - i)
    lines.append("\t".join([l.split("\x27")[1].lstrip("/"), "char" if mode[0] == "c" else "block", "%o" % bits, f[2], f[3], "0", "-", ""]))
open(sys.argv[1], "w").write("\n".join(sorted(lines)) + "\n")' "$f.tree"
done
gzip -9nf rr.iso joliet.iso plain.iso rr-joliet.iso

# A small image (no padding) seeds the fuzz targets.
mkdir -p "$tmp/small/d" && cp "$src/etc/passwd" "$tmp/small/d/" && ln -s passwd "$tmp/small/d/link"
genisoimage -quiet -R -J -no-pad -o small.iso "$tmp/small"
rm -rf "$tmp/x" && xorriso -osirrox on -indev small.iso -extract / "$tmp/x" >/dev/null 2>&1 && treelist "$tmp/x" > small.tree
gzip -9nf small.iso

# Hostile images: one named field of rr.iso changed, records found by
# walking the directories from the primary descriptor.
python3 - <<'PY'
import gzip, struct
img = gzip.open("rr.iso.gz").read()
def save(d, n): open(n, "wb").write(gzip.compress(bytes(d), 9, mtime=0))
def records(d):
    # (offset, Rock Ridge name, extent, size, flags) of every record
    root = 16 * 2048 + 156
    todo, out = [struct.unpack_from("<I", d, root + 2)[0]], []
    seen = set()
    while todo:
        ext = todo.pop()
        if ext in seen: continue
        seen.add(ext)
        size = struct.unpack_from("<I", d, ext * 2048 + 10)[0]
        pos = ext * 2048
        while pos < ext * 2048 + size:
            n = d[pos]
            if n == 0:
                pos = (pos // 2048 + 1) * 2048; continue
            nl = d[pos + 32]; e, sz, fl = struct.unpack_from("<I", d, pos + 2)[0], struct.unpack_from("<I", d, pos + 10)[0], d[pos + 25]
            rec = bytes(d[pos:pos + n]); i = rec.find(b"NM", 33 + nl)
            name = rec[i + 5:i + rec[i + 2]] if i > 0 else b""
            out.append((pos, name, e, sz, fl))
            if fl & 2 and nl > 1 or fl & 2 and d[pos + 33] > 1: todo.append(e)
            pos += n
    return out
def find(d, name): return next(r for r in records(d) if r[1] == name)
# extent of directory etc: the root's (a cycle)
d = bytearray(img); root = struct.unpack_from("<I", d, 16 * 2048 + 158)[0]; r = find(d, b"etc")
struct.pack_into("<I", d, r[0] + 2, root); struct.pack_into(">I", d, r[0] + 6, root); save(d, "evil-dirloop.iso.gz")
# data length of numbers.txt: 4 GiB - 1
d = bytearray(img); r = find(d, b"numbers.txt")
struct.pack_into("<I", d, r[0] + 10, 0xFFFFFFFF); struct.pack_into(">I", d, r[0] + 14, 0xFFFFFFFF); save(d, "evil-size.iso.gz")
# Rock Ridge name "passwd" becomes "../../"
d = bytearray(img); i = d.index(b"NM\x0b\x01\x00passwd"); d[i + 5:i + 11] = b"../../"; save(d, "evil-traversal.iso.gz")
# the first entry of a file's continuation area becomes a CE pointing at that area
d = bytearray(img); i = d.rindex(b"CE\x1c\x01") # the first is the root's ER
blk, off, ln = struct.unpack_from("<I", d, i + 4)[0], struct.unpack_from("<I", d, i + 12)[0], struct.unpack_from("<I", d, i + 20)[0]
a = blk * 2048 + off; d[a:a + 28] = d[i:i + 28]; save(d, "evil-ce-loop.iso.gz")
PY
