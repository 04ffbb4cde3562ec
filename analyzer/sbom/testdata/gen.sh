#!/bin/sh
# Rebuilds the sbom fixtures with Debian's own tools.
#   rootfs-dpkg/   dpkg --unpack of zlib1g (armel) into an empty root: a real
#                  var/lib/dpkg/status, info/zlib1g:armel.list and libz.so
#                  whose version string the fingerprints also find.
#   zlib1g.ipk     an opkg package file: ar archive of debian-binary,
#                  control.tar.gz (the deb's real control file) and
#                  data.tar.gz, as opkg-build lays it out.
# Usage: analyzer/sbom/testdata/gen.sh (needs `dpkg --add-architecture armel`)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download -q zlib1g:armel >/dev/null
deb=$(ls zlib1g_*_armel.deb)

rm -rf "$here/rootfs-dpkg"
mkdir -p "$here/rootfs-dpkg/var/lib/dpkg/info" "$here/rootfs-dpkg/var/lib/dpkg/updates" "$here/rootfs-dpkg/etc"
touch "$here/rootfs-dpkg/var/lib/dpkg/status"
dpkg --root="$here/rootfs-dpkg" --force-not-root --force-bad-path --force-architecture \
	--force-depends --force-script-chrootless --unpack "$deb" >/dev/null 2>&1 || true
# dpkg leaves its lock and backup files; keep the database and the payload.
rm -f "$here"/rootfs-dpkg/var/lib/dpkg/lock* "$here"/rootfs-dpkg/var/lib/dpkg/*-old "$here"/rootfs-dpkg/var/lib/dpkg/triggers/Lock
rm -rf "$here/rootfs-dpkg/usr/share/doc"
cp /etc/os-release "$here/rootfs-dpkg/etc/os-release"

mkdir ctl data
dpkg-deb -e "$deb" ctl
dpkg-deb -x "$deb" data
echo 2.0 > debian-binary
tar -czf control.tar.gz -C ctl ./control
tar -czf data.tar.gz -C data .
rm -f "$here/zlib1g.ipk"
ar rc "$here/zlib1g.ipk" debian-binary control.tar.gz data.tar.gz
