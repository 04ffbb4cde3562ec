#!/bin/sh
# Rebuilds the compress fixtures with the Debian tools (xz-utils, gzip, zstd,
# bzip2, lz4, lzop). Run from this folder. Sources are the first 64 KiB of an
# x86-64 ELF (so the BCJ filters have calls to convert) plus a text file.
set -eu
export LC_ALL=C TZ=UTC
head -c 65536 /usr/bin/xz > src.bin
touch -d 2024-01-02T03:04:05Z src.bin
cp /usr/share/common-licenses/GPL-2 src2.txt
touch -d 2024-01-02T03:04:05Z src2.txt

gzip -9 -k -c src.bin > src.bin.gz                 # header carries the name "src.bin"
gzip -9 -n -c src.bin > noname.gz                  # no stored name
gzip -c src2.txt > part2.gz; cat src.bin.gz part2.gz > multi.gz; rm part2.gz
{ cat noname.gz; printf 'TRAILING GARBAGE\037\213\010\000junk'; } > garbage.gz

xz -9 -k -c src.bin > src.bin.xz
xz --x86 --lzma2=preset=6 -c src.bin > x86.xz
xz --arm --lzma2=preset=6 -c src.bin > arm.xz
xz --delta=dist=4 --lzma2=preset=6 -c src.bin > delta.xz
xz -c src2.txt > part2.xz
{ cat src.bin.xz; head -c 8 /dev/zero; cat part2.xz; } > multi.xz   # two streams with stream padding
xz -T2 --block-size=16KiB -c src.bin > blocks.xz   # multithreaded: sizes in block headers
{ cat src.bin.xz; head -c 100 /dev/urandom; } > trailing.xz; rm part2.xz

lzma -9 -k -c src.bin > src.bin.lzma               # size known in the header
cat src.bin | lzma -c > stdin.lzma                 # size -1 and an end marker
{ cat src.bin.lzma; head -c 64 /dev/urandom; } > trailing.lzma

zstd -q -19 -c src.bin > src.bin.zst
zstd -q -c src2.txt > part2.zst; cat src.bin.zst part2.zst > multi.zst; rm part2.zst
bzip2 -9 -k -c src.bin > src.bin.bz2
bzip2 -c src2.txt > part2.bz2; cat src.bin.bz2 part2.bz2 > multi.bz2; rm part2.bz2
{ cat src.bin.bz2; printf 'garbage after the stream'; } > trailing.bz2
lz4 -q -9 -c src.bin > src.bin.lz4
lz4 -q -l -c src.bin > legacy.lz4                  # what kernels use for initramfs
lzop -9 -c src.bin > src.bin.lzo
lzop -1 -c src2.txt > src2.txt.lzo

# Bombs: gigabytes of zeros streamed through the real tools. Small on disk.
head -c 1G /dev/zero | xz -9 -T2 > bomb.xz
head -c 4G /dev/zero | zstd -q -19 > bomb.zst
head -c 1G /dev/zero | bzip2 -9 > bomb.bz2
head -c 200M /dev/zero | gzip -9 > bomb.gz
head -c 48M /dev/zero | lz4 -q -l > bomb.lz4

# Truncated: a named field cut short (the file ends mid-stream).
head -c 20000 src.bin.xz > truncated.xz
head -c 20000 src.bin.gz > truncated.gz

sha256sum src.bin src2.txt > sources.sha256
ls -l
