#!/bin/sh
# Rebuilds the committed hostile seeds with Debian's tools. Run as root (device
# nodes, owners) from anywhere: sh gen.sh. The generator (../gen) mutates these
# further at test time; README.md says what each one covers.
set -eu
cd "$(dirname "$0")"
D=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# cpio (GNU cpio 2.13, newc and odc) from crafted file lists: names that climb
# out, absolute names, symlinks that escape, a hard link whose other name is
# outside the list, device nodes, a fifo and names with a newline or bytes
# that are not UTF-8.
mkdir -p $T/w/stage/sub $T/outside
cd $T/w/stage
echo escaped > ../escape
echo escaped > ../../escape
echo outside > $T/outside/target
echo inside > sub/file
ln -s / rootlink
ln -s .. up
ln -s up/.. up2
ln -s /tmp/fwstar-hostile-canary canary
mknod char c 1 3
mknod block b 8 0
mkfifo fifo
printf 'nl' > "$(printf 'nl\nname')"
printf 'bad' > "$(printf 'bad\377\376utf8')"
ln $T/outside/target hardout
list() {
	printf '%s\n' ../escape ../../escape "$T/outside/target" sub sub/file rootlink up up2 canary \
		char block fifo hardout "$(printf 'bad\377\376utf8')"
	printf 'nl\nname\0' >/dev/null
}
list | cpio -o -H newc --quiet > "$D/traversal-newc.cpio"
list | cpio -o -H odc --quiet > "$D/traversal-odc.cpio"
printf 'nl\nname\0' | cpio -o -0 -H newc --quiet > "$D/newline.cpio"

# Symlinks that escape, then files written through them: two real cpio
# archives back to back, as the kernel reads an initramfs. rootlink is "/", so
# rootlink/tmp/... would land on the host if a link were ever followed.
mkdir -p $T/w/s3 && cd $T/w/s3
ln -s / rootlink; ln -s .. up; ln -s up/.. up2; ln -s /tmp/fwstar-hostile-canary canary
printf '%s\n' rootlink up up2 canary | cpio -o -H newc --quiet > $T/l.cpio
rm rootlink up up2 canary
mkdir -p rootlink/tmp/fwstar-hostile-canary up up2 canary
echo through > rootlink/tmp/fwstar-hostile-canary/through-root
echo through > up/through-up
echo through > up2/through-up2
echo through > canary/through-canary
find rootlink up up2 canary -type f | sort | cpio -o -H newc --quiet > $T/f.cpio
cd "$D"
cat $T/l.cpio $T/f.cpio > symlink-write.cpio

# squashfs (mksquashfs 4.5.1) with uncompressed metadata so the generator can
# rewrite a real name in the directory table ("AAAAAAAAAAAAAAAA" -> "../../../escape"
# and friends); a 4 GiB sparse file (stored as holes: a bomb in a few KB).
mkdir -p $T/sq/dir
echo victim > $T/sq/dir/AAAAAAAAAAAAAAAA
echo second > $T/sq/BBBBBBBBBBBBBBBB
ln -s CCCCCCCCCCCCCCCC $T/sq/dir/link
mksquashfs $T/sq names.sqfs -noI -noD -noF -noX -noappend -quiet -all-root -mkfs-time 1600000000 >/dev/null
mkdir -p $T/sparse && truncate -s 4G $T/sparse/zeros
mksquashfs $T/sparse sparse-bomb.sqfs -comp xz -noappend -quiet -all-root -mkfs-time 1600000000 >/dev/null

# JFFS2 (mkfs.jffs2 2.1.6) of 8 MiB of zeros: zlib nodes of a 4 KiB page each.
mkdir -p $T/jz && head -c 8M /dev/zero > $T/jz/zeros
mkfs.jffs2 -r $T/jz -o zeros.jffs2 -l -e 0x10000 -q

# UBIFS (mkfs.ubifs 2.1.6) of a 1 GiB sparse file: holes are no data nodes.
mkdir -p $T/uz && truncate -s 1G $T/uz/zeros
mkfs.ubifs -r $T/uz -m 8 -e 16256 -c 64 -x zlib -o sparse-bomb.ubifs

# cramfs (mkfs.cramfs 2.38) of a 16 MiB (its largest file) sparse file made with holes (-z).
mkdir -p $T/cz && truncate -s 16777215 $T/cz/zeros
mkfs.cramfs -z -N little $T/cz sparse-bomb.cramfs >/dev/null

# lzma-alone (xz-utils 5.4) of 1 GiB of zeros; the other compressors' bombs are
# made at test time by the Go encoders or read from ../../compress/testdata.
head -c 1G /dev/zero | lzma -9 > bomb.lzma
