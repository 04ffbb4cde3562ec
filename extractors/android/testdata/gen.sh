#!/bin/sh
# Rebuilds the android fixtures with mkbootimg/unpack_bootimg (Debian
# mkbootimg 29), img2simg/simg2img (android-sdk-libsparse-utils), mke2fs,
# gzip, xz, dtc. Expected contents come from unpack_bootimg and simg2img.
set -eu
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$(cd ../../.. && pwd)
treelist() { (cd "$root" && go run ./extractors/sinktest/treelist "$1"); }

seq 1 3000 | sed 's/^/kernel line /' | gzip -9 -n > "$tmp/kernel"
seq 1 1000 | sed 's/^/ramdisk line /' | xz -9 > "$tmp/ramdisk"
seq 1 200 | sed 's/^/second line /' > "$tmp/second"
printf '/dts-v1/;\n/ { model = "fwstar android"; };\n' | dtc -I dts -O dtb -o "$tmp/dtb"

mkbootimg --header_version 0 --kernel "$tmp/kernel" --ramdisk "$tmp/ramdisk" --second "$tmp/second" \
	--cmdline "console=ttyMSM0 androidboot.hardware=fwstar" --board fwstar --pagesize 2048 \
	--os_version 10.0.0 --os_patch_level 2023-11 -o boot-v0.img
# mkbootimg 29 computes the recovery DTBO offset as a float under Python 3
# and fails, so the v1 image carries none.
mkbootimg --header_version 1 --kernel "$tmp/kernel" --ramdisk "$tmp/ramdisk" \
	--cmdline "console=ttyMSM0" --pagesize 4096 -o boot-v1.img
mkbootimg --header_version 2 --kernel "$tmp/kernel" --ramdisk "$tmp/ramdisk" --dtb "$tmp/dtb" \
	--cmdline "console=ttyMSM0" --pagesize 4096 -o boot-v2.img
mkbootimg --header_version 3 --kernel "$tmp/kernel" --ramdisk "$tmp/ramdisk" \
	--cmdline "console=ttyMSM0" --os_version 11.0.0 --os_patch_level 2023-11 -o boot-v3.img
mkbootimg --header_version 3 --vendor_ramdisk "$tmp/ramdisk" --dtb "$tmp/dtb" --vendor_cmdline "androidboot.hw=fwstar" \
	--board fwstar --pagesize 4096 --vendor_boot vendor_boot-v3.img

for img in boot-v0 boot-v1 boot-v2 boot-v3 vendor_boot-v3; do
	mkdir "$tmp/$img.d"
	unpack_bootimg --boot_img $img.img --out "$tmp/$img.d" >/dev/null
	# unpack_bootimg also writes empty sections; the handler skips those.
	find "$tmp/$img.d" -type f -size 0 -delete
	chmod 644 "$tmp/$img.d"/*
	treelist "$tmp/$img.d" > $img.img.tree
done

# mkbootimg 29 writes up to v3: v4 is v3 with header_version set to 4
# (signature_size, at 1580, stays 0); its sections are v3's.
python3 - <<'PY'
import struct
b = bytearray(open("boot-v3.img", "rb").read())
b[40:44] = struct.pack("<I", 4)
open("boot-v4.img", "wb").write(b)
PY
cp boot-v3.img.tree boot-v4.img.tree

# Sparse image of a small ext4 filesystem: raw, fill and don't-care chunks.
mkdir -p "$tmp/fs/etc"
seq 1 5000 > "$tmp/fs/etc/numbers"
mke2fs -q -t ext4 -b 4096 -E root_owner=0:0 -d "$tmp/fs" "$tmp/fs.img" 2M
img2simg "$tmp/fs.img" ext4.simg
mkdir "$tmp/simg.d"
simg2img ext4.simg "$tmp/simg.d/sparse.raw"
chmod 644 "$tmp/simg.d/sparse.raw"
treelist "$tmp/simg.d" > ext4.simg.tree

# Hostile mutants of img2simg output, one named field each.
python3 - <<'PY'
import struct
b = bytearray(open("ext4.simg", "rb").read())
# total_chunks = 0xFFFFFFFF: more chunks declared than the file holds.
m = bytearray(b); m[20:24] = struct.pack("<I", 0xFFFFFFFF); open("evil-chunks.simg", "wb").write(m)
# first chunk's total_sz = 0xFFFFFFF0: a chunk past the end.
m = bytearray(b); m[28 + 8:28 + 12] = struct.pack("<I", 0xFFFFFFF0); open("evil-chunksize.simg", "wb").write(m)
k = bytearray(open("boot-v0.img", "rb").read())
# kernel_size = 0x7FFFFFFF: sections past the end.
k[8:12] = struct.pack("<I", 0x7FFFFFFF); open("evil-kernelsize.img", "wb").write(k)
PY
