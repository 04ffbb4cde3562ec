#!/bin/sh
# Rebuilds the squashfs fixtures with Debian's squashfs-tools (mksquashfs
# 4.5.1) and their expected trees from unsquashfs. Run as root (device nodes,
# owners) from this directory: sh gen.sh
set -eu
cd "$(dirname "$0")"
ROOT=$(cd ../../.. && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The source tree: every entry type, owners, setuid, a multi-block file, an
# incompressible file (stored uncompressed), a sparse file, small files that
# go to fragments, hard links, xattrs (extended inodes) and a directory big
# enough to get an index (extended directory inode).
S=$T/src
mkdir -p $S/etc $S/bin $S/dev $S/empty $S/big $S/a/loop
printf 'root::0:0:root:/root:/bin/sh\n' > $S/etc/passwd
seq 1 4000 > $S/etc/multi.txt                      # ~19 KB: 4+ blocks of 4 KiB
head -c 6000 /dev/urandom > $S/bin/random.bin      # incompressible
truncate -s 40960 $S/bin/sparse.img                # 10 blocks, mostly holes
printf 'middle' | dd of=$S/bin/sparse.img bs=1 seek=20000 conv=notrunc 2>/dev/null
printf '#!/bin/sh\necho hi\n' > $S/bin/tool
ln $S/bin/tool $S/bin/tool-link                    # hard link
chmod 4755 $S/bin/tool
: > $S/etc/empty
ln -s ../etc/passwd $S/bin/passwd-link
ln -s /tmp/hosts $S/etc/hosts
mknod $S/dev/console c 5 1
mknod $S/dev/sda b 8 0
mkfifo $S/dev/fifo
python3 -c "import socket; socket.socket(socket.AF_UNIX).bind('$S/dev/sock')"
chmod 1777 $S/empty
chown 1000:100 $S/etc/passwd
chown 33:33 $S/bin/random.bin
python3 -c "import os; os.setxattr('$S/etc/passwd', 'user.comment', b'fixture')"
for i in $(seq 1 300); do echo $i > $S/big/entry-with-a-long-name-$i; done
echo x > $S/a/loop/inside
find $S -exec touch -h -d @1600000000 {} +
touch -h -d @1234567891 $S/etc/hosts
touch -d @1234567892 $S/a/loop
touch -d @1234567893 $S/etc/multi.txt

# Every image holds the same tree: expected.tree is unsquashfs's extraction
# of the first, and each other image's extraction must list the same.
tree() { rm -rf $T/x; unsquashfs -q -n -d $T/x "$1" >/dev/null; (cd $ROOT && go run ./extractors/sinktest/treelist $T/x); }
mk() {
	out=$1; shift; rm -f $out
	mksquashfs $S $out -b 4096 -noappend -quiet -mkfs-time 1600000000 "$@" >/dev/null
	if [ -f $T/expected.tree ]; then tree $out | cmp - $T/expected.tree; else tree $out > $T/expected.tree; fi
}

mk gzip.sqfs -comp gzip
mk lzma.sqfs -comp lzma
mk lzo.sqfs -comp lzo
mk lz4.sqfs -comp lz4
mk lz4hc.sqfs -comp lz4 -Xhc
mk xz.sqfs -comp xz
mk xz-bcj.sqfs -comp xz -Xbcj x86,arm
mk zstd.sqfs -comp zstd
mk tailends.sqfs -comp gzip -tailends
mk nofrag.sqfs -comp zstd -no-fragments
mk uncompressed.sqfs -noI -noD -noF -noX
cp $T/expected.tree expected.tree

# Hostile mutants of the uncompressed image, one named field each.
patch() { # patch OUT PYTHON: runs PYTHON on bytearray b, writes OUT
	python3 - uncompressed.sqfs "$1" "$2" <<'EOF'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
inode_start = struct.unpack_from('<Q', b, 64)[0]
dir_start = struct.unpack_from('<Q', b, 72)[0]
root = struct.unpack_from('<Q', b, 32)[0]
def name(n):   # directory entry of name n: offset u16, inode_off s16, type u16, size u16, name
    i = b.index(n, dir_start)
    return i - 8
def inode(mtime):   # inode header: type u16, mode u16, uid u16, gid u16, mtime u32, number u32
    return b.index(struct.pack('<I', mtime), inode_start + 2) - 8
exec(sys.argv[3])
open(sys.argv[2], 'wb').write(b)
EOF
}
# A directory renamed "..": its entries would land outside the root.
patch traversal.sqfs 'e = name(b"loop"); b[e+8:e+12] = b"..\0\0"; struct.pack_into("<H", b, e+6, 1)'
# The directory a/loop made to point at the root inode (a loop).
patch loop.sqfs 'e = name(b"loop"); struct.pack_into("<H", b, e, root & 0xFFFF); struct.pack_into("<I", b, e-8, root >> 16)'
# The symlink etc/hosts claims a 4 GiB target.
patch hugelink.sqfs 'i = inode(1234567891); struct.pack_into("<I", b, i+20, 0xFFFFFFF0)'
# The directory a/loop claims a 64 KiB listing (its basic inode's u16 size).
patch hugedir.sqfs 'i = inode(1234567892); struct.pack_into("<H", b, i+16+8, 0xFFFF)'
# The superblock counts 2^32-1 inodes.
patch hugecount.sqfs 'struct.pack_into("<I", b, 4, 0xFFFFFFFF)'
# etc/multi.txt (19 KB) claims 2^32-1 bytes: a block list far past the
# inode table.
patch hugefile.sqfs 'i = inode(1234567893); struct.pack_into("<I", b, i+16+12, 0xFFFFFFFF)'

# Expected trees of the corpus images (the images themselves stay out).
C=$ROOT/../shared/corpus
if [ -d "$C" ]; then
	rm -rf $T/x; unsquashfs -q -n -o $((0x11B0A0)) -d $T/x $C/openwrt-15.05.1-tl-wr703n-factory.bin >/dev/null
	(cd $ROOT && go run ./extractors/sinktest/treelist $T/x) > openwrt-15.05.1-tl-wr703n.tree
	tree $C/iotctf2020-web2.squashfs > iotctf2020-web2.tree
fi
