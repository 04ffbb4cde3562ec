#!/usr/bin/env bash
# Builds samples/demo-router.bin: a small router-like firmware made only from
# real Debian armel binaries, with flaws planted on purpose so that a scan has
# something to find. It is fwstar's own sample; no vendor firmware is in it.
#
# Layers: uImage (legacy, "filesystem" type) -> squashfs 4.0 xz -> root fs.
# Planted flaws:
#   - root's password is the well-known default "admin" (MD5-crypt), and a
#     second uid-0 account "support" has an empty password;
#   - telnetd is started from inittab with -l /bin/sh (no login) and a root
#     shell is offered on the serial console;
#   - an unencrypted RSA private key ships in /etc/ssl/private;
#   - BusyBox 1.35.0 is outdated (CVE-2022-48174 covers it);
#   - the firmware update script fetches over plain HTTP without a signature.
#
# Needs (Debian): squashfs-tools u-boot-tools openssl dropbear-bin, and the
# armel architecture for apt-get download. Fixed mtimes, fixed package
# versions and root ownership make every run alike except for the two keys,
# which are generated afresh (as a vendor's build would).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../demo-router.bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

dpkg --print-foreign-architectures | grep -qx armel || { dpkg --add-architecture armel; apt-get update -qq; }
apt-get download -qq busybox-static:armel=1:1.35.0-4+deb12u1+b1 dropbear-bin:armel=2022.83-1+deb12u3 \
  libc6:armel=2.36-9+deb12u14 zlib1g:armel=1:1.2.13.dfsg-1 libcrypt1:armel=1:4.4.33-2 2>/dev/null
for d in *.deb; do dpkg-deb -x "$d" x; done

r=rootfs
mkdir -p $r/{bin,sbin,usr/bin,usr/sbin,lib,etc/init.d,etc/dropbear,etc/ssl/private,dev,proc,sys,tmp,var,www/cgi-bin,root}
cp x/bin/busybox $r/bin/busybox
for a in sh ash ls cat echo mount umount ps kill vi grep sed; do ln -s busybox $r/bin/$a; done
for a in init getty telnetd syslogd klogd udhcpc ifconfig route reboot; do ln -s ../bin/busybox $r/sbin/$a; done
for a in wget httpd; do ln -s ../../bin/busybox $r/usr/bin/$a; done
cp x/usr/sbin/dropbear $r/usr/sbin/dropbear
cp x/usr/bin/dropbearkey $r/usr/bin/dropbearkey
for l in ld-linux.so.3 libc.so.6 libcrypt.so.1 libz.so.1; do
  cp -L x/lib/arm-linux-gnueabi/$l $r/lib/$l 2>/dev/null || cp -L x/usr/lib/arm-linux-gnueabi/$l $r/lib/$l
done

cat > $r/etc/os-release <<'OS'
NAME="fwstar demo router"
ID=fwstar-demo
VERSION_ID=1.0.0
PRETTY_NAME="fwstar demo router 1.0.0"
OS
echo "DR-100" > $r/etc/model
cat > $r/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
support:x:0:0:support:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
# The default "admin", hashed with a fixed salt so the image is reproducible.
roothash=$(openssl passwd -1 -salt fwstarDR admin)
cat > $r/etc/shadow <<SH
root:$roothash:19000:0:99999:7:::
support::19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
SH
chmod 600 $r/etc/shadow
cat > $r/etc/inittab <<'IT'
::sysinit:/etc/init.d/rcS
::respawn:/usr/sbin/telnetd -F -l /bin/sh
ttyS0::askfirst:-/bin/sh
::ctrlaltdel:/sbin/reboot
IT
cat > $r/etc/init.d/rcS <<'RC'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
syslogd
/usr/sbin/dropbear -r /etc/dropbear/dropbear_rsa_host_key -p 22
httpd -h /www -p 80
/usr/sbin/fw-update &
RC
chmod 755 $r/etc/init.d/rcS
cat > $r/usr/sbin/fw-update <<'UP'
#!/bin/sh
# Checks for new firmware once a day and flashes it.
while true; do
  wget -O /tmp/fw.bin http://update.demo-router.example/DR-100/latest.bin && mtd write /tmp/fw.bin firmware && reboot
  sleep 86400
done
UP
chmod 755 $r/usr/sbin/fw-update
cat > $r/www/index.html <<'HT'
<html><head><title>DR-100 router</title></head><body><h1>DR-100</h1><form action="/cgi-bin/login">User <input name=u> Password <input name=p type=password></form></body></html>
HT
# A host key made by dropbear itself and an unencrypted TLS key, both baked
# into the image: every unit shares them.
dropbearkey -t rsa -s 2048 -f $r/etc/dropbear/dropbear_rsa_host_key >/dev/null 2>&1
openssl genrsa -traditional -out $r/etc/ssl/private/server.key 2048 2>/dev/null
openssl req -new -x509 -key $r/etc/ssl/private/server.key -subj "/CN=dr-100.local/O=fwstar demo" \
  -days 3650 -out $r/etc/ssl/server.crt 2>/dev/null

find $r -exec touch -h -d '2024-01-01 00:00:00 UTC' {} +
mksquashfs $r rootfs.sqfs -comp xz -all-root -noappend -mkfs-time 1704067200 -quiet >/dev/null
SOURCE_DATE_EPOCH=1704067200 mkimage -A arm -O linux -T filesystem -C none -n "DR-100 fw 1.0.0" -d rootfs.sqfs "$out" >/dev/null
echo "wrote $out ($(stat -c %s "$out") bytes)"
