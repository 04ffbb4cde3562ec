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
