#!/bin/sh
# Rebuilds the fdt fixtures with dtc, mkimage (u-boot-tools), openssl, gzip, xz.
set -eu
cd "$(dirname "$0")"
export SOURCE_DATE_EPOCH=1700000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

dtc -I dts -O dtb -o board.dtb board.dts
seq 1 2000 | sed 's/^/fwstar kernel line /' | gzip -9 -n > "$tmp/kernel.gz"
seq 1 2000 | sed 's/^/fwstar ramdisk line /' | xz -9 > "$tmp/ramdisk.xz"
cp board.dtb fit.its "$tmp/"

# FIT with inline data; the signature node is in the .its but unsigned
# (mkimage without -k leaves no value), so the FIT counts as signed-by-intent
# only after -k: unsigned.fit is built from an .its without signature nodes.
sed '/signature-1 {/,/};/d' fit.its > "$tmp/unsigned.its"
(cd "$tmp" && mkimage -f unsigned.its unsigned.fit >/dev/null)
cp "$tmp/unsigned.fit" unsigned.fit
# Same with external data (mkimage -E): data-offset/data-size after the FDT.
(cd "$tmp" && mkimage -E -f unsigned.its external.fit >/dev/null)
cp "$tmp/external.fit" external.fit
# Signed: RSA-2048 key from openssl, configuration signature; the public key
# goes into a control DTB (u-boot.dtb) the way U-Boot embeds it.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/dev.key" 2>/dev/null
openssl req -batch -new -x509 -key "$tmp/dev.key" -out "$tmp/dev.crt" -subj /CN=fwstar-dev 2>/dev/null
cp board.dtb "$tmp/u-boot.dtb"
(cd "$tmp" && mkimage -f fit.its -k . -K u-boot.dtb -r signed.fit >/dev/null)
cp "$tmp/signed.fit" signed.fit
cp "$tmp/u-boot.dtb" control-with-key.dtb

# Expected contents: each image as dumpimage (u-boot-tools) extracts it, named
# by its node, listed with treelist.
for fit in unsigned external signed; do
	mkdir "$tmp/$fit.d"
	i=0
	for name in kernel-1 ramdisk-1 fdt-1; do
		dumpimage -T flat_dt -p $i -o "$tmp/$fit.d/$name" $fit.fit >/dev/null
		i=$((i + 1))
	done
	chmod 644 "$tmp/$fit.d"/*
	(cd ../../.. && go run ./extractors/sinktest/treelist "$tmp/$fit.d") > $fit.fit.tree
done

# Hostile mutants of mkimage output (python3 changes one named field).
python3 - <<'PY'
import struct
b = bytearray(open("unsigned.fit", "rb").read())
# totalsize = 0xFFFFFFF0: far past the end.
m = bytearray(b); m[4:8] = struct.pack(">I", 0xFFFFFFF0)
open("evil-totalsize.fit", "wb").write(m)
# off_dt_struct pointing into the header itself.
m = bytearray(b); m[8:12] = struct.pack(">I", 0)
open("evil-struct-offset.fit", "wb").write(m)
# Truncated in the middle of the structure block.
open("evil-truncated.fit", "wb").write(b[:len(b) // 2])
PY
# External-data mutants made with fdtput: one named property each.
cp external.fit evil-datasize.fit
fdtput -t x evil-datasize.fit /images/kernel-1 data-size 0x7fffffff
cp external.fit evil-selfref.fit
fdtput -d evil-selfref.fit /images/kernel-1 data-offset
fdtput -t x evil-selfref.fit /images/kernel-1 data-position 0
# fdtput writes only the tree: put the external data back after it.
python3 - <<'PY'
import struct
ext = open("external.fit", "rb").read()
base = (struct.unpack(">I", ext[4:8])[0] + 3) & ~3
for f in ("evil-datasize.fit", "evil-selfref.fit"):
    b = open(f, "rb").read()
    b += bytes(-len(b) % 4)
    open(f, "wb").write(b + ext[base:])
PY
# 70 nested nodes, past the reader's depth limit of 64.
python3 -c 'print("/dts-v1/;\n/ {" + "n {" * 70 + "};" * 70 + "};")' > "$tmp/deep.dts"
dtc -I dts -O dtb -o evil-deep.dtb "$tmp/deep.dts"
