# Sourced by the fixture generators (extractors/*/testdata/gen.sh) once they
# are in their testdata folder: treelist, a temporary folder removed on exit,
# fixture_tree DIR, the source tree several filesystem fixtures share
# (multi-block text, incompressible data, a sparse file, an empty file,
# symlinks, a hard link, devices, a fifo, setuid, odd owners; needs root),
# and archive_tree DIR, the one the archive fixtures share (text and
# incompressible data, an empty file and directory, a symlink, a Unicode
# name, an executable and a setuid file).
module=$(cd ../../.. && pwd)
treelist() { (cd "$module" && go run ./extractors/sinktest/treelist "$1"); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fixture_tree() {
	src=$1
	mkdir -p "$src/bin" "$src/dev" "$src/etc/init.d" "$src/empty" "$src/usr/share/doc"
	seq 1 4000 > "$src/usr/share/doc/numbers.txt"
	openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
		head -c 12000 > "$src/bin/random.bin"
	printf 'root::0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
	ln "$src/etc/passwd" "$src/etc/passwd.hard"
	: > "$src/etc/empty-file"
	printf '#!/bin/sh\necho up\n' > "$src/etc/init.d/rcS"
	chmod 755 "$src/etc/init.d/rcS"
	cp "$src/etc/init.d/rcS" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
	chown 1000:100 "$src/etc/init.d/rcS"
	truncate -s 20000 "$src/sparse" && printf 'middle' | dd of="$src/sparse" bs=1 seek=9000 conv=notrunc 2>/dev/null
	ln -s ../etc/passwd "$src/bin/passwd-link"
	ln -s /tmp "$src/tmp"
	mknod "$src/dev/console" c 5 1
	mknod "$src/dev/mtdblock0" b 31 0
	mkfifo "$src/dev/initctl"
}

archive_tree() {
	src=$1
	mkdir -p "$src/bin" "$src/etc/init.d" "$src/empty" "$src/usr/share/doc"
	seq 1 4000 > "$src/usr/share/doc/numbers.txt"
	openssl enc -aes-128-ctr -nosalt -K 00112233445566778899aabbccddeeff -iv 0 </dev/zero 2>/dev/null |
		head -c 12000 > "$src/bin/random.bin"
	printf 'root::0:0:root:/root:/bin/sh\n' > "$src/etc/passwd"
	: > "$src/etc/empty-file"
	printf '#!/bin/sh\necho up\n' > "$src/etc/init.d/rcS"
	chmod 755 "$src/etc/init.d/rcS"
	cp "$src/etc/init.d/rcS" "$src/bin/suid" && chmod 4755 "$src/bin/suid"
	echo unicode > "$src/usr/share/doc/日本語.txt"
	ln -s ../etc/passwd "$src/bin/passwd-link"
}
