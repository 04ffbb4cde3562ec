#!/bin/sh
# Rebuilds the 7z fixtures with Debian's 7-Zip (7zip package, 7z), and their
# expected trees from its own extraction (7z x -snl -snld).
# Run from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
module=$(cd ../../.. && pwd)
treelist() { (cd "$module" && go run ./extractors/sinktest/treelist "$1"); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The source tree: text and incompressible data, an empty file and
# directory, a symlink, Unicode names, an executable and a setuid file.
src=$tmp/src
mkdir -p "$src/bin" "$src/etc/init.d" "$src/empty" "$src/usr/share/doc"
seq 1 4000 > "$src/usr/share/doc/numbers.txt"
openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
	head -c 12000 > "$src/bin/random.bin"
printf 'root::0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
: > "$src/etc/empty-file"
printf '#!/bin/sh\necho up\n' > "$src/etc/init.d/rcS"
chmod 755 "$src/etc/init.d/rcS"
cp "$src/etc/init.d/rcS" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
echo unicode > "$src/usr/share/doc/日本語.txt"
ln -s ../etc/passwd "$src/bin/passwd-link"
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
done
