#!/bin/sh
# Builds ovmf.efi.tree, the expected PE32 modules of the corpus image
# debian12-ovmf-x64.fd, from UEFIExtract (Debian uefitool-cli 0.28.0): each
# "PE32 image section" body, named "<file GUID>_<UI text>.efi" from the
# info.txt of the file that holds it. The image itself stays in the corpus.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
img=${FWSTAR_CORPUS:-$here/../../../../shared/corpus}/debian12-ovmf-x64.fd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$img" "$tmp/ovmf.fd"
(cd "$tmp" && UEFIExtract ovmf.fd all >/dev/null 2>&1) || true
mkdir "$tmp/out"
find "$tmp/ovmf.fd.dump" -path "*PE32 image section/body.bin" | while read -r body; do
	file=$(dirname "$(dirname "$body")")
	guid=$(sed -n 's/^File GUID: //p' "$file/info.txt")
	text=$(sed -n 's/^Text: //p' "$file/info.txt")
	name="$guid${text:+_$text}.efi"
	[ -e "$tmp/out/$name" ] && { echo "duplicate $name" >&2; exit 1; }
	cp "$body" "$tmp/out/$name"
done
chmod 644 "$tmp/out"/*
(cd "$here/../../.." && go run ./extractors/sinktest/treelist "$tmp/out") > "$here/ovmf.efi.tree"
wc -l < "$here/ovmf.efi.tree"
