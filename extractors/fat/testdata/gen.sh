#!/bin/sh
# Rebuilds the FAT fixtures with dosfstools' mkfs.fat and mtools' mcopy, and
# their expected trees from mtools' own extraction (mcopy -s -m).
# Run from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
. ../../sinktest/gen-common.sh
export MTOOLS_SKIP_CHECK=1 TZ=UTC

# The source tree: long and Unicode names, 8.3 names in both cases, nested
# directories, a file over many clusters, an empty file and directory.
src=$tmp/src
mkdir -p "$src/ETC/INIT.D" "$src/usr/share/doc" "$src/Empty Dir" "$src/日本語"
seq 1 4000 > "$src/usr/share/doc/numbers.txt"
openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
	head -c 30000 > "$src/RANDOM.BIN"
printf 'root::0:0:root:/root:/bin/sh\n' > "$src/ETC/PASSWD"
printf '#!/bin/sh\necho up\n' > "$src/ETC/INIT.D/RCS"
: > "$src/empty.txt"
echo 'long name' > "$src/A file with a rather long name.conf"
echo 'unicode' > "$src/日本語/ファイル名.txt"
echo 'mixed' > "$src/MixedCase.Txt"
find "$src" -exec touch -d @1600000000 {} +

build() { # image, size in KiB, mkfs.fat options...
	img=$1 kib=$2; shift 2
	rm -f "$img"
	mkfs.fat -C --invariant -n FWSTAR -i 12345678 "$@" "$img" "$kib" >/dev/null
	mcopy -s -m -i "$img" "$src"/* ::/
	# A deleted file leaves an 0xE5 entry and a hole that a later file
	# fills first: fragmented.bin's clusters are not contiguous.
	head -c 5000 "$src/RANDOM.BIN" > "$tmp/gone"
	mcopy -m -i "$img" "$tmp/gone" ::/GONE.BIN
	mcopy -m -i "$img" "$src/usr/share/doc/numbers.txt" ::/SPACER.TXT
	mdel -i "$img" ::/GONE.BIN
	head -c 20000 "$src/RANDOM.BIN" > "$tmp/fragmented.bin" && touch -d @1600000000 "$tmp/fragmented.bin"
	mcopy -m -i "$img" "$tmp/fragmented.bin" ::/fragmented.bin
	rm -rf "$tmp/x" && mkdir "$tmp/x"
	mcopy -s -n -m -i "$img" "::/*" "$tmp/x/"
	treelist "$tmp/x" > "${img%.img}.tree"
}
build fat12.img 400 -F 12 -s 1
build fat16.img 5000 -F 16 -s 1 -S 1024
build fat32.img 34000 -F 32 -s 1
# A small image seeds the fuzz targets.
rm -f small.img
mkfs.fat -C --invariant -F 12 -r 16 -n SMALL small.img 64 >/dev/null
mcopy -s -m -i small.img "$src/ETC" "$src/A file with a rather long name.conf" ::/
rm -rf "$tmp/x" && mkdir "$tmp/x" && mcopy -s -n -m -i small.img "::/*" "$tmp/x/" && treelist "$tmp/x" > small.tree
gzip -9nf fat12.img fat16.img fat32.img small.img

# Hostile images: one named field of a real image changed. Directory
# entries are found by their short name, on a 32-byte boundary.
python3 - <<'PY'
import gzip, struct
def load(n): return bytearray(gzip.open(n + ".img.gz").read())
def save(d, n): open(n, "wb").write(gzip.compress(bytes(d), 9, mtime=0))
def entry(d, short):
    i = 0
    while True:
        i = d.index(short, i)
        if i % 32 == 0 and d[i + 11] & 0x0F != 0x0F: return i
        i += 1
def bpb(d):
    bps, spc, res, nfat, rootent = struct.unpack_from("<HBHBH", d, 11)
    fatsz = struct.unpack_from("<H", d, 22)[0] or struct.unpack_from("<I", d, 36)[0]
    data = (res + nfat * fatsz) * bps + (rootent * 32 + bps - 1) // bps * bps
    return res * bps, data, bps * spc
def cluster(d, e): return struct.unpack_from("<H", d, e + 20)[0] << 16 | struct.unpack_from("<H", d, e + 26)[0]
def fat12_set(d, fat, c, v):
    i = fat + c + c // 2; w = struct.unpack_from("<H", d, i)[0]
    w = (w & 0x000F) | (v << 4) if c & 1 else (w & 0xF000) | v
    struct.pack_into("<H", d, i, w)
# FAT entry of RANDOM.BIN's third cluster points back at its first: a loop
d = load("fat12"); fat, _, _ = bpb(d); c = cluster(d, entry(d, b"RANDOM  BIN"))
fat12_set(d, fat, c + 2, c); save(d, "evil-chainloop.img.gz")
# first cluster of directory usr/share is usr's: a directory cycle
d = load("fat32"); usr = cluster(d, entry(d, b"USR        "))
e = entry(d, b"SHARE      "); struct.pack_into("<HH", d, e + 20, usr >> 16, 0)
struct.pack_into("<H", d, e + 26, usr & 0xFFFF); save(d, "evil-dirloop.img.gz")
# size of usr/share/doc/numbers.txt: 4 GiB - 1
d = load("fat16"); e = entry(d, b"NUMBERS TXT"); struct.pack_into("<I", d, e + 28, 0xFFFFFFFF)
save(d, "evil-size.img.gz")
# the first long-name part of "A file with a rather long name.conf" spells "../../"
d = load("fat12"); e = entry(d, b"AFILEW~1CON")
lfn = e - 32  # the part holding the name's first 13 characters comes last
for k, o in enumerate([1, 3, 5, 7, 9, 14]): struct.pack_into("<H", d, lfn + o, ord("../../"[k]))
save(d, "evil-lfn.img.gz")
# the checksum byte of that name's long parts: the short name is used
d = load("fat12"); e = entry(d, b"AFILEW~1CON"); i = e - 32
while i >= 0 and d[i + 11] == 0x0F: d[i + 13] ^= 0xFF; i -= 32
save(d, "bad-lfn-checksum.img.gz")
PY
