#!/bin/sh
# Rebuilds the DNS-323 family fixtures with the real writer, mkdns323fw from
# Matt Palmer's dns323-firmware-tools (a Ruby script: Debian ruby + ruby-ffi;
# git clone https://github.com/mpalmer/dns323-firmware-tools and point
# DNS323FW_TOOLS at it), around parts made by Debian tools: mkimage (u-boot-
# tools), cpio, gzip, tar, mksquashfs. splitdns323fw, the same tool's reader,
# then splits every image: split.txt records what it reports and the sha256 of
# each part it writes, and the .tree files list what cpio and tar extract from
# those parts. Run as root (cpio -i keeps owners).
set -eu
cd "$(dirname "$0")"
tools=${DNS323FW_TOOLS:-/tmp/dns323}
[ -x "$tools/mkdns323fw" ] || { echo "DNS323FW_TOOLS: no mkdns323fw in $tools" >&2; exit 1; }
module=$(cd ../../../.. && pwd)
treelist() { (cd "$module" && go run ./extractors/sinktest/treelist "$1"); }
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stamp() { find "$1" -exec touch -h -d @$SOURCE_DATE_EPOCH {} +; }

# Kernel: a legacy uImage around a gzip'd payload (a text stands in for the
# zImage; the engine only needs to carve and decompress it).
seq 1 400 | sed 's/^/dns323 kernel line /' > "$tmp/vmlinux"
gzip -9 -n -c "$tmp/vmlinux" > "$tmp/vmlinux.gz"
mkimage -A arm -O linux -T kernel -C gzip -a 0x00008000 -e 0x00008000 -n "fwstar dns323 kernel" \
	-d "$tmp/vmlinux.gz" "$tmp/kernel.uimage" >/dev/null

# Initrd: a gzip'd newc cpio of a small root, wrapped as a ramdisk uImage.
r=$tmp/initrd
mkdir -p "$r/bin" "$r/etc/init.d" "$r/sbin"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:99:99::/:/bin/false\n' > "$r/etc/passwd"
printf 'root:$1$dns323$abcdefghijklmnopqrstu.:14000:0:99999:7:::\n' > "$r/etc/shadow"
chmod 600 "$r/etc/shadow"
printf '::sysinit:/etc/init.d/rcS\n::respawn:/sbin/getty 115200 ttyS0\n' > "$r/etc/inittab"
printf '#!/bin/sh\nmount -t proc proc /proc\n' > "$r/etc/init.d/rcS"
chmod 755 "$r/etc/init.d/rcS"
seq 1 200 > "$r/bin/data"
ln -s ../bin/data "$r/sbin/data-link"
stamp "$r"
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --reproducible --quiet) | gzip -9 -n > "$tmp/initrd.cpio.gz"
mkimage -A arm -O linux -T ramdisk -C gzip -n "fwstar dns323 initrd" \
	-d "$tmp/initrd.cpio.gz" "$tmp/initrd.uimage" >/dev/null

# Default configuration: a tar.gz, as the firmware's defaults.tar.gz.
d=$tmp/defaults
mkdir -p "$d/etc"
printf 'hostname=dlink-nas\nadmin_password=\n' > "$d/etc/system.conf"
printf '[global]\nworkgroup = WORKGROUP\nguest ok = yes\n' > "$d/etc/smb.conf"
stamp "$d"
tar -C "$d" --sort=name --owner=0 --group=0 --numeric-owner -cf - etc | gzip -9 -n > "$tmp/defaults.tar.gz"

# The root filesystem part, which only the 128-byte header (signatures
# starting "DNS32") has a slot for. The tool warns that it looks for "hsqs" at
# 0x800; it still writes the part.
s=$tmp/squashfs
mkdir -p "$s/usr/bin"
printf '#!/bin/sh\necho fwstar\n' > "$s/usr/bin/hello"
chmod 755 "$s/usr/bin/hello"
stamp "$s"
mksquashfs "$s" "$tmp/rootfs.squashfs" -comp xz -all-root -noappend -quiet -no-progress >/dev/null

# The tool's gzip check compares a binary string with a UTF-8 literal, so it
# always warns "defaults file does not appear to be gzipped": stderr is dropped.
mk() { "$tools/mkdns323fw" -k "$tmp/kernel.uimage" -i "$tmp/initrd.uimage" "$@" >/dev/null 2>&1; }
mk -d "$tmp/defaults.tar.gz" -t DNS-323 -o dns323.bin                    # FrodoII, 64-byte header
mk -t DNS-321 -o dns321.bin                                              # Chopper, no defaults
mk -d "$tmp/defaults.tar.gz" -t DNS-320 -o dns320.bin                    # DNS323D1, 128-byte header
mk --squashfs "$tmp/rootfs.squashfs" -d "$tmp/defaults.tar.gz" -t DNS-320L -o dns320l.bin # DNS320L, all four parts

# Hostile mutants, one named header field each (little-endian u32s).
python3 - <<'PY'
import struct
b = bytearray(open("dns323.bin", "rb").read())
# initrd_sum (64-byte header, 0x1C) inverted: a checksum mismatch.
struct.pack_into("<I", b, 0x1C, struct.unpack_from("<I", b, 0x1C)[0] ^ 0xFFFFFFFF)
open("evil-sum.bin", "wb").write(b)
b = bytearray(open("dns320.bin", "rb").read())
# defaults_size (128-byte header, 0x1C) = 0x7FFFFFFF: the last part runs past the end.
struct.pack_into("<I", b, 0x1C, 0x7FFFFFFF)
open("evil-size.bin", "wb").write(b)
PY

# Reference split of every image by the tool's own reader.
: > split.txt
# On a checksum mismatch the tool's reader dies formatting its message (an
# ArgumentError in validate): split.txt records which part it was checking.
for f in dns323.bin dns321.bin dns320.bin dns320l.bin evil-sum.bin; do
	o=$tmp/split-$f
	mkdir -p "$o"
	"$tools/splitdns323fw" -k "$o/kernel" -i "$o/initrd" -d "$o/defaults" -s "$o/squashfs" "$f" > "$o/out" 2> "$o/err" || true
	sig=$(sed -n "s/^'\(.*\)' firmware signature found$/\1/p" "$o/out")
	ids=$(sed -n 's/^\(Product\|Custom\|Model\|Compat\) ID: //p' "$o/out" | tr '\n' ' ')
	if grep -q "in \`validate'" "$o/err"; then
		echo "$f validate_failed_after $(tail -n 1 "$o/out" | cut -d' ' -f1)" >> split.txt
		continue
	fi
	echo "$f ids $sig $ids" >> split.txt
	for p in kernel initrd squashfs defaults; do
		[ -f "$o/$p" ] && echo "$f $p $(stat -c %s "$o/$p") $(sha256sum < "$o/$p" | cut -d' ' -f1)" >> split.txt
	done
done

# What the reference tools extract from the split parts of dns320l.bin.
o=$tmp/split-dns320l.bin
mkdir "$tmp/x-initrd" "$tmp/x-defaults" "$tmp/x-kernel"
tail -c +65 "$o/initrd" | gunzip | (cd "$tmp/x-initrd" && cpio -idm --quiet --no-absolute-filenames)
treelist "$tmp/x-initrd" > initrd.tree
tar -C "$tmp/x-defaults" -xzf "$o/defaults"
treelist "$tmp/x-defaults" > defaults.tree
unsquashfs -q -d "$tmp/x-rootfs" "$o/squashfs" >/dev/null
treelist "$tmp/x-rootfs" > rootfs.tree
tail -c +65 "$o/kernel" | gunzip > "$tmp/x-kernel/vmlinux"
echo "kernel.payload $(sha256sum < "$tmp/x-kernel/vmlinux" | cut -d' ' -f1)" >> split.txt
