#!/bin/sh
# Rebuilds kernel-blob.bin as a decompressed kernel image lays out the two
# things we read: linux_banner (init/version.c) and the IKCONFIG blob
# (kernel/configs.c: "IKCFG_ST" + gzip -9 of .config + "IKCFG_ED").
# The banner and config are the build host kernel's (/proc/version,
# /proc/config.gz); kernel-blob.expect holds what grep finds in them.
set -eu
cd "$(dirname "$0")"
zcat /proc/config.gz > "${TMPDIR:-/tmp}/fixture.config"
cfg="${TMPDIR:-/tmp}/fixture.config"
{
	head -c 4096 /dev/zero
	tr -d '\n' < /proc/version; printf '\n\0'
	head -c 1000 /dev/zero
	printf 'IKCFG_ST'; gzip -9n < "$cfg"; printf 'IKCFG_ED'
	head -c 512 /dev/zero
} > kernel-blob.bin
{
	echo "banner_offset 4096"
	echo "version $(sed 's/^Linux version \([^ ]*\).*/\1/' /proc/version)"
	echo "options $(grep -cE '^CONFIG_|^# CONFIG_.* is not set$' "$cfg")"
	for o in CONFIG_STACKPROTECTOR_STRONG CONFIG_STRICT_KERNEL_RWX CONFIG_HARDENED_USERCOPY CONFIG_RANDOMIZE_BASE CONFIG_DEVMEM CONFIG_X86_64; do
		v=$(sed -n "s/^$o=\(.*\)/\1/p; s/^# $o is not set/n/p" "$cfg")
		echo "$o ${v:-absent}"
	done
} > kernel-blob.expect
rm -f "$cfg"
