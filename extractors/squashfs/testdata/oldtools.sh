#!/bin/sh
# Rebuilds the squashfs 3.x fixtures with the real mksquashfs of that era,
# built from Phillip Lougher's squashfs-tools history, and their expected
# trees from Debian's unsquashfs 4.5.1 (cross-checked against the same
# era's unsquashfs). Run as root (device nodes, owners) from anywhere:
#   sh oldtools.sh /work/.mirror/plougher+squashfs-tools/repo
# CI does not run it: the fixtures are committed.
set -eu
REPO=${1:?usage: oldtools.sh SQUASHFS_TOOLS_GIT_REPO}
cd "$(dirname "$0")"
ROOT=$(cd ../../.. && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The commits: the CVS import of the 3.0 release; tag 3.2-r2 (adds the NFS
# export lookup table); and the 3.3 release, which writes format 3.1 (blocks
# up to 1 MiB, sparse files). The history starts at 3.0-prerelease, so no
# 2.x or 1.x mksquashfs can be built from it.
V30=fcb902290c725935f755e2bd12c36abe7724c6fd # mksquashfs version 3.0 (2006/03/15)
V32=366a1dd6b897a48d7711cd4976337280bdbff467 # tag 3.2-r2, mksquashfs version 3.2-r2 (2007/01/15)
V33=13a4ebd8830248a786baad2bc184a2d8767ed1fb # mksquashfs version 3.3 (2007/10/29)
build() { # build NAME COMMIT
	mkdir -p $T/$1
	git -C "$REPO" archive $2 squashfs-tools | tar -x -C $T/$1
	# Build flags only: modern glibc no longer declares major()/minor()
	# through sys/types.h, and gcc 10+ defaults to -fno-common.
	make -s -C $T/$1/squashfs-tools CC="gcc -fcommon -std=gnu89 -w -include sys/sysmacros.h" >/dev/null
}
build v30 $V30
build v32 $V32
build v33 $V33

# The source tree: nested dirs, an empty file, small files (fragments), a
# file of several 4 KiB blocks, an incompressible one (uncompressed blocks),
# a setuid file and its hard link, setgid and sticky dirs, symlinks, devices,
# a fifo, several owners, and a directory big enough to get an index (long
# directory inode). Sockets are left out: mksquashfs 3.x stores them but
# old unsquashfs cannot make them.
S=$T/src
mkdir -p $S/etc/init.d $S/bin $S/dev $S/tmp $S/usr/share/doc/pkg $S/big
printf 'root::0:0:root:/root:/bin/sh\n' > $S/etc/passwd
printf 'root:$1$abc$xyz:0:0:99999:7:::\n' > $S/etc/shadow
seq 1 4000 > $S/etc/multi.txt                      # ~19 KB: 5 blocks of 4 KiB
head -c 6000 /dev/urandom > $S/bin/random.bin      # incompressible
truncate -s 40960 $S/bin/sparse.img                # 10 blocks, mostly holes
printf 'middle' | dd of=$S/bin/sparse.img bs=1 seek=20000 conv=notrunc 2>/dev/null
printf '#!/bin/sh\necho hi\n' > $S/bin/tool
ln $S/bin/tool $S/bin/tool-link                    # hard link
printf '#!/bin/sh\nexit 0\n' > $S/etc/init.d/rcS
: > $S/etc/empty
printf 'deep\n' > $S/usr/share/doc/pkg/README
ln -s ../etc/passwd $S/bin/passwd-link
ln -s /tmp/hosts $S/etc/hosts
ln -s pkg/README $S/usr/share/doc/readme-link
mknod $S/dev/console c 5 1
mknod $S/dev/sda b 8 0
mknod $S/dev/ttyS0 c 4 64
mkfifo $S/dev/initctl
seq 1 700 > $S/etc/services                       # 2.6 KB tails: several fragments
seq 1001 1700 > $S/bin/help.txt
seq 2001 2700 > $S/usr/share/doc/pkg/CHANGES
for i in $(seq 1 300); do echo $i > $S/big/entry-with-a-long-name-$i; done
chmod 4755 $S/bin/tool
chmod 700 $S/etc/init.d/rcS
chmod 600 $S/etc/shadow
chmod 2775 $S/usr/share/doc/pkg
chmod 1777 $S/tmp
chown 1000:100 $S/etc/passwd
chown 33:33 $S/bin/random.bin
chown 65534:65534 $S/usr/share/doc/pkg/README
chown 1000:1000 $S/usr/share/doc/pkg
chown -h 0:6 $S/dev/sda
find $S -exec touch -h -d @1600000000 {} +
touch -h -d @1234567891 $S/etc/hosts
touch -d @1234567893 $S/etc/multi.txt
touch -d @1234567894 $S/dev/console
touch -d @3000000000 $S/etc/services               # past 2038: mtimes are unsigned

# Extractions are listed with treelist; the expected tree comes from 3.3's
# unsquashfs 1.5, which reads formats 3.0 and 3.1 (3.0's own unsquashfs
# neither swaps big-endian owners nor restores setuid), and Debian's
# unsquashfs 4.5.1 must list the same for every image.
tree() { # tree UNSQUASHFS IMAGE
	rm -rf $T/x; $1 -d $T/x "$2" >/dev/null 2>&1
	(cd $ROOT && go run ./extractors/sinktest/treelist $T/x)
}
mk() { # mk OUT TOOL OPTIONS...
	out=$1 tool=$2; shift 2; rm -f $out
	$T/$tool/squashfs-tools/mksquashfs $S $out -b 4096 -noappend "$@" >/dev/null; chmod 644 $out
	tree $T/v33/squashfs-tools/unsquashfs $out > $T/old.tree
	tree unsquashfs $out | cmp - $T/old.tree
	if [ -f $T/expected.tree ]; then cmp $T/old.tree $T/expected.tree; else cp $T/old.tree $T/expected.tree; fi
}

mk v30-le.sqfs v30 -le
mk v30-be.sqfs v30 -be
mk v30-le-raw.sqfs v30 -le -noI -noD -noF
mk v32-le.sqfs v32 -le -always-use-fragments
mk v32-be.sqfs v32 -be
mk v32-be-check.sqfs v32 -be -check_data -no-fragments
mk v33-le.sqfs v33 -le
mk v33-be.sqfs v33 -be
mk v33-be-128k.sqfs v33 -be -b 131072
cp $T/expected.tree v3.tree
