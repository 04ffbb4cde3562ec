#!/bin/sh
# Rebuilds the squashfs 3.x fixtures with the real mksquashfs of that era
# (squashfs-tools 3.0, 3.2-r2 and 3.3, whose 3.3 writes format 3.1: blocks up
# to 1 MiB, sparse files) and their expected tree with 3.3's unsquashfs,
# cross-checked against Debian's unsquashfs 4.5.1. Bring your own builds of
# those old tools; this script only runs them. Run as root (device nodes,
# owners):
#   MKSQUASHFS30=... MKSQUASHFS32=... MKSQUASHFS33=... UNSQUASHFS33=... sh oldtools.sh
# CI does not run it: the fixtures are committed.
set -eu
: "${MKSQUASHFS30:?} ${MKSQUASHFS32:?} ${MKSQUASHFS33:?} ${UNSQUASHFS33:?}"
cd "$(dirname "$0")"
ROOT=$(cd ../../.. && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

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
	$tool $S $out -b 4096 -noappend "$@" >/dev/null; chmod 644 $out
	tree "$UNSQUASHFS33" $out > $T/old.tree
	tree unsquashfs $out | cmp - $T/old.tree
	if [ -f $T/expected.tree ]; then cmp $T/old.tree $T/expected.tree; else cp $T/old.tree $T/expected.tree; fi
}

mk v30-le.sqfs "$MKSQUASHFS30" -le
mk v30-be.sqfs "$MKSQUASHFS30" -be
mk v30-le-raw.sqfs "$MKSQUASHFS30" -le -noI -noD -noF
mk v32-le.sqfs "$MKSQUASHFS32" -le -always-use-fragments
mk v32-be.sqfs "$MKSQUASHFS32" -be
mk v32-be-check.sqfs "$MKSQUASHFS32" -be -check_data -no-fragments
mk v33-le.sqfs "$MKSQUASHFS33" -le
mk v33-be.sqfs "$MKSQUASHFS33" -be
mk v33-be-128k.sqfs "$MKSQUASHFS33" -be -b 131072
cp $T/expected.tree v3.tree
