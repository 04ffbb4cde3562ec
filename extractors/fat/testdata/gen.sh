#!/bin/sh
# Rebuilds the FAT fixtures with dosfstools' mkfs.fat and mtools' mcopy, and
# their expected trees from mtools' own extraction (mcopy -s -m).
# Run from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
module=$(cd ../../.. && pwd)
treelist() { (cd "$module" && go run ./extractors/sinktest/treelist "$1"); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
gzip -9nf fat12.img fat16.img fat32.img
