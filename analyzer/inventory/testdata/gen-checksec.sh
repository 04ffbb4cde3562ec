#!/bin/sh
# Rebuilds kirkwood-checksec.csv: Debian's checksec 2.6.0 (--format=csv --dir)
# on every ELF of the Debian 12 kirkwood initrd from the shared corpus,
# unpacked with gzip and cpio. Paths are made relative to the image root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
img=${FWSTAR_CORPUS:-$here/../../../../shared/corpus}/debian12-kirkwood-initrd.gz
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/root"
gzip -dc "$img" | (cd "$tmp/root" && cpio -idm --quiet --no-absolute-filenames)
checksec --format=csv --dir="$tmp/root" | sed "s#,$tmp/root/#,#" | sort -t, -k11 > "$here/kirkwood-checksec.csv"
wc -l "$here/kirkwood-checksec.csv"
