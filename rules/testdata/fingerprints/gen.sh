#!/bin/sh
# Rebuilds the fingerprint snippets from real binaries: Debian packages
# (apt-get download; armel needs `dpkg --add-architecture armel && apt-get
# update`) and the shared corpus images, unpacked with Debian tools.
# Usage: rules/testdata/fingerprints/gen.sh [WORKDIR]   (from the module root)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${1:-/tmp/fwstar-snippets}
corpus=${FWSTAR_CORPUS:-$root/../shared/corpus}
mkdir -p "$work/debs" "$work/trees"

tree() { # tree SOURCE -> prints the folder holding its files
	case $1 in
	deb:*)
		pkg=$(echo "$1" | cut -d: -f2); arch=$(echo "$1" | cut -d: -f3)
		d="$work/trees/deb-$pkg-$arch"
		if [ ! -d "$d" ]; then
			spec=$pkg; [ "$arch" = all ] || spec=$pkg:$arch
			ls "$work"/debs/"$pkg"_*_"$arch".deb >/dev/null 2>&1 ||
				(cd "$work/debs" && apt-get download -q "$spec" >/dev/null)
			mkdir -p "$d" && dpkg-deb -x "$(ls "$work"/debs/"$pkg"_*_"$arch".deb | head -1)" "$d"
		fi
		echo "$d" ;;
	corpus:*)
		d="$work/trees/${1#corpus:}"
		if [ ! -d "$d" ]; then
			mkdir -p "$d"
			case ${1#corpus:} in
			openwrt)
				dd if="$corpus/openwrt-15.05.1-tl-wr703n-factory.bin" of="$work/ow.sqfs" bs=4096 skip=$((0x11B0A0)) iflag=skip_bytes status=none
				rmdir "$d"; unsquashfs -q -d "$d" "$work/ow.sqfs" >/dev/null ;;
			openwrt-kernel) # LZMA-alone kernel at 0x200 of the TP-Link image
				python3 -c 'import lzma,sys; d=open(sys.argv[1],"rb").read()[0x200:0x11B0A0]; open(sys.argv[2],"wb").write(lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(d))' \
					"$corpus/openwrt-15.05.1-tl-wr703n-factory.bin" "$d/kernel" ;;
			ddwrt-kernel) # LZMA-alone kernel at 0x8F0 of the TRX
				python3 -c 'import lzma,sys; d=open(sys.argv[1],"rb").read()[0x8F0:0xE18E0]; open(sys.argv[2],"wb").write(lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(d))' \
					"$corpus/ddwrt-v24-mini-generic.trx.bin" "$d/kernel" ;;
			ovmf) # the LZMA GUID-defined section's payload at 0x200A8
				python3 -c 'import lzma,sys; d=open(sys.argv[1],"rb").read()[0x200A8:]; open(sys.argv[2],"wb").write(lzma.LZMADecompressor(lzma.FORMAT_ALONE).decompress(d))' \
					"$corpus/debian12-ovmf-x64.fd" "$d/volume" ;;
			iotctf) rmdir "$d"; unsquashfs -q -d "$d" "$corpus/iotctf2020-web2.squashfs" >/dev/null ;;
			licheepi) tar -C "$d" -xf "$corpus/licheepi-nano-rootfs.tar" ;;
			debinit) (cd "$d" && zcat "$corpus/debian12-kirkwood-initrd.gz" | cpio -idm --quiet 2>/dev/null) ;;
			esac
		fi
		echo "$d" ;;
	esac
}

cd "$root"
go build -o "$work/carve" ./rules/testdata/fingerprints/carve
grep -v '^#' "$here/sources.txt" | while read -r id version arch source path index; do
	[ -n "$id" ] || continue
	src=$(tree "$source")
	"$work/carve" -o "$here" ${index:+-p "$index"} "$id" "$version" "$arch" "$source:$path" "$src/$path"
done
grep -v '^#' "$here/counter.txt" | while read -r id label arch source path text; do
	[ -n "$id" ] || continue
	src=$(tree "$source")
	"$work/carve" -o "$here/counter" -at "$text" "$id" "$label" "$arch" "$source:$path" "$src/$path"
done
