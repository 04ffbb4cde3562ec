#!/bin/sh
# Rebuilds the archive fixtures with Debian's cpio, tar and zip, and their
# expected trees from the same tools' extraction. Run as root (owners, device
# nodes) from this folder; needs Go for treelist.
set -eu
export LC_ALL=C TZ=UTC
here=$(pwd)
treelist() { (cd "$here/../../.." && go run ./extractors/sinktest/treelist "$1"); }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT

# The source tree: every entry type, setuid, owners, hard links, an empty
# hard-linked pair, absolute and relative symlinks.
s=$w/src; mkdir -p $s/bin $s/etc/init.d $s/dev $s/empty
head -c 5000 /usr/bin/cpio > $s/bin/tool; chmod 4755 $s/bin/tool
printf 'root:x:0:0:root:/root:/bin/sh\n' > $s/etc/passwd; chmod 600 $s/etc/passwd
printf '#!/bin/sh\necho start\n' > $s/etc/init.d/rcS; chmod 755 $s/etc/init.d/rcS
ln $s/bin/tool $s/bin/tool-link; ln $s/bin/tool $s/bin/tool-link2
: > $s/etc/empty1; ln $s/etc/empty1 $s/etc/empty2
ln -s tool $s/bin/sh; ln -s /etc/passwd $s/etc/passwd-abs
mknod $s/dev/console c 5 1; mknod $s/dev/mtdblock0 b 31 0; mkfifo $s/dev/initctl
chown -R 1000:1001 $s/etc/init.d; chmod 1777 $s/empty
find $s -exec touch -h -d 2024-01-02T03:04:05Z {} +

for f in newc crc odc bin; do
	(cd $s && find . | sort | cpio -o --quiet -H $f > $here/$f.cpio)
	rm -rf $w/x; mkdir $w/x; (cd $w/x && cpio -idm --quiet < $here/$f.cpio)
	treelist $w/x > $f.tree
done
for f in gnu pax ustar; do
	(cd $s && tar --format=$f -cf $here/$f.tar .)
	rm -rf $w/x; mkdir $w/x; tar -xpf $f.tar -C $w/x
	treelist $w/x > $f.tar.tree
done
(cd $s && zip -q -r -y -X ../a.zip . -x 'dev/*') ; mv $w/a.zip plain.zip
rm -rf $w/x; mkdir $w/x; (cd $w/x && unzip -q -K -X $here/plain.zip)
treelist $w/x > plain.zip.tree
# A zip behind a 1000-byte stub, offsets adjusted to the file (zip -A).
{ head -c 1000 /dev/zero; cat plain.zip; } > $w/sfx.zip; zip -q -A $w/sfx.zip; mv $w/sfx.zip prepended.zip

# One entry encrypted (ZipCrypto), one plain: the plain one must still come out.
(cd $s && zip -q -P secret $w/enc.zip etc/passwd && zip -q $w/enc.zip etc/init.d/rcS); mv $w/enc.zip enc.zip

# Hostile: names that climb out or are absolute, by the real tools.
h=$w/h; mkdir -p $h/in $h/real; echo evil > $h/evil; echo abs > $h/abs.txt; echo pw > $h/real/passwd
(cd $h/in && printf '../evil\n' | cpio -o --quiet -H newc > $here/traversal.cpio)
(cd $h/in && tar -cPf $here/traversal.tar ../evil $h/abs.txt 2>/dev/null)
(cd $h/in && zip -q $here/traversal.zip ../evil)
# An absolute symlink, then a file written through it.
ln -s /etc $h/link
(cd $h && tar -cf $here/symlink-escape.tar link && tar -rf $here/symlink-escape.tar --transform 's,^real,link,' real/passwd)
# A newc header whose file size field claims 4 GB (field at 54, 8 hex digits),
# on the entry of etc/passwd.
cp newc.cpio huge.cpio
off=$(grep -abo -F 'etc/passwd' huge.cpio | head -1 | cut -d: -f1)
printf 'FFFFFFFF' | dd of=huge.cpio bs=1 seek=$((off - 110 + 54)) conv=notrunc status=none
ls -l

# Expected trees of the corpus images (the images stay in ../shared/corpus).
c=${FWSTAR_CORPUS:-$here/../../../../shared/corpus}
if [ -d "$c" ]; then
	rm -rf $w/x; mkdir $w/x; (cd $w/x && gzip -dc $c/debian12-kirkwood-initrd.gz | cpio -idm --quiet)
	treelist $w/x > debian12-kirkwood-initrd.tree
	rm -rf $w/x; mkdir $w/x; tar -xpf $c/licheepi-nano-rootfs.tar -C $w/x
	treelist $w/x > licheepi-nano-rootfs.tree
fi
