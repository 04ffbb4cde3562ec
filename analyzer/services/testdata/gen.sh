#!/bin/sh
# Rebuilds the fixture roots from real files: Debian 12 packages (apt-get
# download + dpkg-deb -x) and the shared corpus (OpenWrt 15.05.1 squashfs,
# Buildroot's licheepi rootfs tar). Mutations of real files are marked
# "mutated" below, one named setting each.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${FWSTAR_CORPUS:-$here/../../../../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- debian: systemd units with wants links, sshd_config, xinetd, mosquitto, snmpd
cd "$tmp"
apt-get download openssh-server xinetd mosquitto snmpd miniupnpd lighttpd >/dev/null
for d in *.deb; do n=${d%%_*}; mkdir -p x/$n; dpkg-deb -x "$d" x/$n; done
r=$here/debian
rm -rf "$r"; mkdir -p "$r/lib/systemd/system" "$r/etc/systemd/system/multi-user.target.wants" "$r/etc/ssh/sshd_config.d" \
	"$r/etc/xinetd.d" "$r/etc/mosquitto/conf.d" "$r/etc/snmp" "$r/usr/sbin"
cp x/openssh-server/lib/systemd/system/ssh.service x/mosquitto/lib/systemd/system/mosquitto.service \
	x/snmpd/lib/systemd/system/snmpd.service x/miniupnpd/lib/systemd/system/miniupnpd.service "$r/lib/systemd/system/"
# enabled: ssh and mosquitto (the links systemctl enable makes); snmpd has no link (disabled);
# miniupnpd is masked.
ln -s /lib/systemd/system/ssh.service "$r/etc/systemd/system/multi-user.target.wants/ssh.service"
ln -s /lib/systemd/system/mosquitto.service "$r/etc/systemd/system/multi-user.target.wants/mosquitto.service"
ln -s /dev/null "$r/etc/systemd/system/miniupnpd.service"
ln -s /lib/systemd/system/miniupnpd.service "$r/etc/systemd/system/multi-user.target.wants/miniupnpd.service"
# mutated: PermitRootLogin yes (Debian ships it commented out); the drop-in sets
# PasswordAuthentication no, which wins (first value obtained) over the main file.
sed 's/^#PermitRootLogin prohibit-password/PermitRootLogin yes/' x/openssh-server/usr/share/openssh/sshd_config > "$r/etc/ssh/sshd_config"
printf 'PasswordAuthentication no\n' > "$r/etc/ssh/sshd_config.d/10-no-passwords.conf"
cp x/xinetd/etc/xinetd.conf "$r/etc/"
cp x/xinetd/etc/xinetd.d/daytime x/xinetd/etc/xinetd.d/chargen "$r/etc/xinetd.d/"
# mutated: an INTERNAL service turned into a telnet server, still "disable = yes";
# and a tftp server with "disable = no".
sed -e 's/service daytime/service telnet/' -e 's/type[ \t]*= INTERNAL/server		= \/usr\/sbin\/in.telnetd/' \
	-e 's/socket_type[ \t]*= stream/socket_type	= stream/' x/xinetd/etc/xinetd.d/daytime | awk '/^service/{n++} n<=1' > "$r/etc/xinetd.d/telnet"
sed -e 's/service daytime/service tftp/' -e 's/^\([ \t]*\)type[ \t]*= INTERNAL.*$/\1server		= \/usr\/sbin\/in.tftpd\n\1server_args	= -s \/srv\/tftp/' \
	-e 's/disable[ \t]*= yes/disable		= no/' -e 's/port\([ \t]*\)= 13/port\1= 69/' x/xinetd/etc/xinetd.d/daytime-udp > "$r/etc/xinetd.d/tftp"
cp x/mosquitto/etc/mosquitto/mosquitto.conf "$r/etc/mosquitto/"
# mutated: a listener with anonymous access, as many device images ship it.
printf 'listener 1883\nallow_anonymous true\n' > "$r/etc/mosquitto/conf.d/local.conf"
cp x/snmpd/etc/snmp/snmpd.conf "$r/etc/snmp/"
: > "$r/usr/sbin/sshd"; : > "$r/usr/sbin/mosquitto"; : > "$r/usr/sbin/snmpd"; : > "$r/usr/sbin/miniupnpd"; : > "$r/usr/sbin/xinetd"
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n' > "$r/etc/os-release"
mkdir -p "$r/bin" "$r/sbin" "$r/etc/cron.d"
# cron: a commented job (negative) and fetches that skip certificate checks.
printf '# m h dom mon dow user command\n#*/5 * * * * root curl -k https://example.invalid/old\n17 3 * * * root wget --no-check-certificate -O /tmp/fw.bin https://updates.example.invalid/fw.bin\n@reboot root curl -sk http://updates.example.invalid/firmware/latest -o /tmp/fw\n' > "$r/etc/cron.d/fwcheck"

# --- openwrt: procd scripts, UCI, inittab, rc.d links, opkg, reset button (from the corpus image)
r=$here/openwrt
rm -rf "$r"
img=$corpus/openwrt-15.05.1-tl-wr703n-factory.bin
unsquashfs -q -o $((0x11B0A0)) -d "$tmp/ow" "$img" >/dev/null
mkdir -p "$r/etc/init.d" "$r/etc/rc.d" "$r/etc/config" "$r/etc/opkg/keys" "$r/etc/rc.button" "$r/sbin" "$r/usr/sbin" "$r/bin" "$r/www/cgi-bin"
for f in etc/inittab etc/rc.common etc/init.d/dropbear etc/init.d/uhttpd etc/config/dropbear etc/config/uhttpd etc/opkg.conf \
	etc/opkg/distfeeds.conf etc/opkg/keys/53bad1233d4c98c5 etc/rc.button/reset etc/openwrt_release etc/device_info etc/banner \
	www/cgi-bin/luci sbin/firstboot; do cp -P "$tmp/ow/$f" "$r/$f"; done
ln -s ../init.d/dropbear "$r/etc/rc.d/S50dropbear"
ln -s ../init.d/uhttpd "$r/etc/rc.d/S50uhttpd"
ln -s ../init.d/telnet "$r/etc/rc.d/S50telnet"
: > "$r/sbin/procd"; : > "$r/usr/sbin/dropbear"; : > "$r/usr/sbin/uhttpd"; : > "$r/bin/busybox"; : > "$r/sbin/sysupgrade"
ln -s ../../bin/busybox "$r/usr/sbin/telnetd"
# OpenWrt 15.05's /etc/init.d/telnet (package/utils/busybox/files/telnet), which
# starts telnetd only while root has no password or no SSH server is enabled.
cat > "$r/etc/init.d/telnet" <<'EOF'
#!/bin/sh /etc/rc.common
# Copyright (C) 2006-2011 OpenWrt.org

START=50

USE_PROCD=1
PROG=/usr/sbin/telnetd

has_root_pwd() {
	local pwd=$([ -f "$1" ] && cat "$1")
	      pwd="${pwd#*root:}"
	      pwd="${pwd%%:*}"

	test -n "${pwd#[\!x]}"
}

get_root_home() {
	local homedir=$([ -f "$1" ] && cat "$1")
	homedir="${homedir#*:*:0:0:*:}"

	echo "${homedir%%:*}"
}

has_ssh_pubkey() {
	( /etc/init.d/dropbear enabled 2> /dev/null && grep -qs "^ssh-" /etc/dropbear/authorized_keys ) || \
	( /etc/init.d/sshd enabled 2> /dev/null && grep -qs "^ssh-" "$(get_root_home /etc/passwd)"/.ssh/authorized_keys )
}

start_service() {
	if ( ! has_ssh_pubkey && \
	     ! has_root_pwd /etc/passwd && ! has_root_pwd /etc/shadow ) || \
	   ( ! /etc/init.d/dropbear enabled 2> /dev/null && ! /etc/init.d/sshd enabled 2> /dev/null );
	then
		procd_open_instance
		procd_set_param command "$PROG" -F -l /bin/login.sh
		procd_close_instance
	fi
}
EOF
chmod 755 "$r/etc/init.d/telnet"

# --- buildroot: BusyBox inittab with a serial getty, rcS and S?? scripts (licheepi rootfs)
r=$here/buildroot
rm -rf "$r"; mkdir -p "$r" "$tmp/lp"
tar -C "$tmp/lp" -xf "$corpus/licheepi-nano-rootfs.tar"
mkdir -p "$r/etc/init.d" "$r/bin" "$r/sbin"
cp "$tmp/lp/etc/inittab" "$r/etc/"
cp "$tmp/lp/usr/lib/os-release" "$r/etc/os-release"
cp "$tmp/lp/etc/init.d/rcS" "$tmp/lp/etc/init.d/S01syslogd" "$tmp/lp/etc/init.d/S40network" "$r/etc/init.d/"
: > "$r/bin/busybox"
for a in sh getty login telnetd httpd; do ln -s busybox "$r/bin/$a"; done
ln -s ../bin/busybox "$r/sbin/init"; ln -s ../bin/busybox "$r/sbin/syslogd"
# mutated: a debug shell a vendor left in (a second S?? script with nc -e), and a
# commented-out telnetd (negative case).
printf '#!/bin/sh\n# debug access\n#telnetd -l /bin/sh\nnc -lp 4444 -e /bin/sh &\n' > "$r/etc/init.d/S99debug"
chmod 755 "$r/etc/init.d/S99debug"
echo done
