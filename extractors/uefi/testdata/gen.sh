#!/bin/sh
# Rebuilds the uefi fixtures. No Debian tool builds firmware volumes, so the
# volume tests read the corpus image (see ovmf-reference.sh for the expected
# modules, from UEFIExtract) and mutate its fields in the test code.
set -eu
cd "$(dirname "$0")"
# x86 BCJ + LZMA1 raw stream by xz (liblzma), for the LZMAF86 path: the
# decoder output must equal the input, an x86-64 ELF with many E8/E9 calls.
src=/usr/bin/true
xz --format=raw --x86 --lzma1=preset=6,lc=3,lp=0,pb=2 -c "$src" > bcj-x86.lzma1
sha256sum < "$src" | cut -d' ' -f1 > bcj-x86.sha256
wc -c < "$src" | tr -d ' ' > bcj-x86.size

# NVRAM: the Secure Boot variable store Debian ships (ovmf package,
# OVMF_VARS.ms.fd: PK, KEK, db, dbx enrolled). Expected variables: UEFIExtract's
# VSS entries that are not deleted, each as nvram/<vendor GUID>/<name>.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download ovmf >/dev/null && dpkg-deb -x ovmf_*.deb x)
cp "$tmp/x/usr/share/OVMF/OVMF_VARS.ms.fd" vars-ms.fd
chmod 644 vars-ms.fd
cp vars-ms.fd "$tmp/v.fd"
(cd "$tmp" && UEFIExtract v.fd all >/dev/null 2>&1) || true
for d in "$tmp"/v.fd.dump/*/*store/*/; do
	info="$d/info.txt"
	[ -f "$info" ] && grep -q '^Type: VSS entry' "$info" || continue
	grep -q '^Subtype: Invalid' "$info" && continue
	guid=$(sed -n 's/^Variable GUID: //p' "$info")
	name=$(sed -n 's/^Text: //p' "$info")
	mkdir -p "$tmp/vars/nvram/$guid"
	cp "$d/body.bin" "$tmp/vars/nvram/$guid/$name"
done
find "$tmp/vars" -type d -exec chmod 755 {} + && find "$tmp/vars" -type f -exec chmod 644 {} +
(cd ../../.. && go run ./extractors/sinktest/treelist "$tmp/vars") > vars-ms.fd.tree
