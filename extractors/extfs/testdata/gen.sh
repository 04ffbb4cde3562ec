#!/bin/sh
# Rebuilds the ext2/3/4 fixtures with e2fsprogs' mke2fs and genext2fs, and
# their expected trees from e2fsprogs' debugfs (rdump keeps modes, owners
# and times). Images are stored gzipped: they are mostly empty blocks.
# Run as root (device nodes, owners) from this folder: sh gen.sh
set -eu
cd "$(dirname "$0")"
module=$(cd ../../.. && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -f ./*.img
export E2FSPROGS_FAKE_TIME=1700000000 SOURCE_DATE_EPOCH=1700000000

# The source tree: files past the direct blocks (single, double and triple
# indirect at 1 KiB blocks), a sparse file, a fragmented file (an extent tree
# of depth 1), a big directory (htree after e2fsck -D), fast and slow
# symlinks, a hard link, devices, a fifo, a socket, setuid, 32-bit owners.
src=$tmp/src
mkdir -p "$src/bin" "$src/dev" "$src/etc/init.d" "$src/empty" "$src/usr/share/doc" "$src/many"
seq 1 4000 > "$src/usr/share/doc/numbers.txt"
openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
	head -c 40000 > "$src/bin/random.bin"
printf 'root::0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
ln "$src/etc/passwd" "$src/etc/passwd.hard"
: > "$src/etc/empty-file"
seq 1 30 > "$src/etc/motd" # 81 bytes: inline data spills into system.data
printf '#!/bin/sh\necho up\n' > "$src/etc/init.d/rcS"
chmod 755 "$src/etc/init.d/rcS"
cp "$src/etc/init.d/rcS" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
chown 1000:100 "$src/etc/init.d/rcS"
chown 70000:70001 "$src/usr/share/doc/numbers.txt"
truncate -s 70000000 "$src/sparse"
for at in 9000 300000 69000000; do printf 'data at %d' $at | dd of="$src/sparse" bs=1 seek=$at conv=notrunc 2>/dev/null; done
truncate -s 200000 "$src/fragmented"
for i in 0 1 2 3 4 5 6 7; do printf 'island %d' $i | dd of="$src/fragmented" bs=1 seek=$((i * 24576 + 5)) conv=notrunc 2>/dev/null; done
for i in $(seq 1 120); do echo "$i" > "$src/many/a-rather-long-file-name-to-fill-directory-blocks-$i"; done
ln -s ../etc/passwd "$src/bin/passwd-link"
ln -s /tmp "$src/tmp"
ln -s /usr/share/doc/a/very/long/target/path/that/does/not/fit/in/sixty/bytes/numbers.txt "$src/long-link"
mknod "$src/dev/console" c 5 1
mknod "$src/dev/mtdblock0" b 31 0
mknod "$src/dev/big" c 300 70000
mkfifo "$src/dev/initctl"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$src/dev/log"
find "$src" -exec touch -h -d @1600000000 {} +

mke2fs -q -F -N 256 -L fwstar -t ext2 -b 1024 -d "$src" ext2-1k.img 1200
mke2fs -q -F -N 256 -L fwstar -t ext3 -b 1024 -J size=1 -d "$src" ext3-1k.img 2400
mke2fs -q -F -N 256 -L fwstar -t ext4 -b 4096 -J size=4 -d "$src" ext4-4k.img 4096
e2fsck -fyD ext4-4k.img >/dev/null 2>&1 || true
mke2fs -q -F -N 256 -L fwstar -t ext4 -b 1024 -O 64bit,inline_data,^has_journal -I 256 -d "$src" ext4-inline.img 1200
e2fsck -fyD ext4-inline.img >/dev/null 2>&1 || true
genext2fs -B 1024 -b 1200 -z -d "$src" genext2fs.img

# rdump writes no device nodes, fifos or sockets and drops setuid bits, so
# the modes, owners and special files of the tree come from debugfs ls -p.
# debugfs 1.47.0 also dumps all 60 bytes of an inline file's i_block: the
# dumped files are cut to the size ls -p gives.
fixtree() { # image, tree, dump
	python3 - "$1" "$2" "$3" <<'PY'
import os, subprocess, sys
img, tree, dump = sys.argv[1], sys.argv[2], sys.argv[3]
types = {0o020000: "char", 0o060000: "block", 0o010000: "fifo", 0o140000: "socket"}
meta, todo = {}, [""]
while todo:
    d = todo.pop()
    out = subprocess.run(["debugfs", "-R", "ls -p /" + d, img], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split("/")
        if len(f) < 7 or f[1] == "0" or f[5] in (".", ".."):
            continue
        p = (d + "/" + f[5]).lstrip("/")
        mode, uid, gid = int(f[2], 8), f[3], f[4]
        meta[p] = (mode, uid, gid)
        if mode & 0o170000 == 0o100000 and os.path.getsize(dump + "/" + p) > int(f[6]):
            os.truncate(dump + "/" + p, int(f[6]))
        if mode & 0o170000 == 0o040000:
            todo.append(p)
lines = []
tl = subprocess.run(["go", "run", "./extractors/sinktest/treelist", dump], cwd=os.environ["module"], capture_output=True, text=True, check=True).stdout
for line in tl.splitlines():
    c = line.split("\t")
    mode, uid, gid = meta.pop(c[0])
    if c[1] != "symlink":
        c[2] = "%o" % (mode & 0o7777)
    c[3], c[4] = uid, gid
    lines.append("\t".join(c))
for p, (mode, uid, gid) in meta.items():
    lines.append("\t".join([p, types[mode & 0o170000], "%o" % (mode & 0o7777), uid, gid, "0", "-", ""]))
open(tree, "w").write("\n".join(sorted(lines)) + "\n")
PY
}

# Small images seed the fuzz targets.
small=$tmp/small
mkdir -p "$small/d"
cp "$src/etc/passwd" "$src/etc/motd" "$small/d/" && ln -s passwd "$small/d/link" && mkfifo "$small/fifo"
seq 1 2500 > "$small/blocks" # 11 KiB: past the direct blocks
mke2fs -q -F -N 24 -I 128 -t ext2 -b 1024 -d "$small" small-ext2.img 64
mke2fs -q -F -N 32 -t ext4 -b 1024 -O ^has_journal,inline_data,^resize_inode -d "$small" small-ext4.img 96

for f in ext2-1k ext3-1k ext4-4k ext4-inline genext2fs small-ext2 small-ext4; do
	rm -rf "$tmp/x" && mkdir "$tmp/x"
	debugfs -R "rdump / $tmp/x" "$f.img" 2>/dev/null
	module=$module fixtree "$f.img" "$f.tree" "$tmp/x"
done
gzip -9nf *.img

# Hostile images: one named field of a real image changed, found with
# debugfs (imap for an inode's place, stat for its blocks).
for f in ext2-1k ext4-4k; do gzip -dc "$f.img.gz" > "$tmp/$f.img"; done
dbg() { debugfs -R "$2" "$tmp/$1.img" 2>/dev/null; }
imap() { dbg "$1" "imap $2" | sed -n 's/.*located at block \([0-9]*\), offset 0x\([0-9a-f]*\).*/\1 \2/p'; }
python3 - "$tmp" \
	"$(imap ext2-1k /etc/init.d)" "$(dbg ext2-1k 'blocks /')" \
	"$(dbg ext2-1k 'stat /sparse' | sed -n 's/.*(DIND):\([0-9]*\).*/\1/p' | head -1)" \
	"$(imap ext2-1k /usr/share/doc/numbers.txt)" "$(dbg ext2-1k 'blocks /etc')" \
	"$(dbg ext4-4k 'stat /fragmented' | sed -n 's/.*(ETB0):\([0-9]*\).*/\1/p')" <<'PY'
import gzip, struct, sys
tmp, initd, rootblk, dind, numbers, etcblk, etb = sys.argv[1:]
def load(n): return bytearray(open(f"{tmp}/{n}.img", "rb").read())
def save(d, n): open(n, "wb").write(gzip.compress(bytes(d), 9, mtime=0))
def inode(spec, bs):
    blk, off = spec.split()
    return int(blk) * bs + int(off, 16)
# i_block[0] of directory etc/init.d points at the root's block: a cycle
d = load("ext2-1k"); struct.pack_into("<I", d, inode(initd, 1024) + 40, int(rootblk))
save(d, "evil-dirloop.img.gz")
# entry 0 of sparse's double indirect block points at that block itself
d = load("ext2-1k"); struct.pack_into("<I", d, int(dind) * 1024, int(dind))
save(d, "evil-indirect.img.gz")
# i_size_high of numbers.txt: 1 TiB plus its 18893 bytes
d = load("ext2-1k"); struct.pack_into("<I", d, inode(numbers, 1024) + 108, 256)
save(d, "evil-size.img.gz")
# the name "passwd" in etc's directory block becomes "../../"
d = load("ext2-1k"); b = int(etcblk.split()[0]) * 1024; i = d.index(b"passwd", b)
d[i:i+6] = b"../../"; save(d, "evil-traversal.img.gz")
# fragmented's extent leaf claims depth 1 and points at itself
d = load("ext4-4k"); b = int(etb) * 4096; struct.pack_into("<H", d, b + 6, 1)
struct.pack_into("<IIH", d, b + 12 + 4, 0, int(etb), 0); save(d, "evil-extent.img.gz")
PY
