#!/bin/sh
# Rebuilds the ELF fixtures: hello.c compiled with gcc (x86-64) and
# arm-linux-gnueabi-gcc (ARM EABI5) under each hardening flag, then stripped,
# and a kernel module-like relocatable with a .modinfo. checksec.csv is
# Debian's checksec 2.6.0 verdict on each.
set -eu
cd "$(dirname "$0")"
build() { # cc name flags...
	cc=$1 name=$2; shift 2
	$cc -o "$name" hello.c "$@"
	${cc%gcc}strip "$name" 2>/dev/null || strip "$name"
}
for t in x86:gcc arm:arm-linux-gnueabi-gcc; do
	a=${t%%:*} cc=${t#*:}
	build "$cc" "$a-nocanary"  -O0 -fno-stack-protector -Wl,-z,relro,-z,now -fPIE -pie
	build "$cc" "$a-canary"    -O0 -fstack-protector-strong -Wl,-z,relro,-z,now -fPIE -pie
	build "$cc" "$a-norelro"   -O0 -fstack-protector-strong -Wl,-z,norelro -no-pie -fno-pie
	build "$cc" "$a-partial"   -O0 -fstack-protector-strong -Wl,-z,relro,-z,lazy -fPIE -pie
	build "$cc" "$a-nopie"     -O0 -fstack-protector-strong -Wl,-z,relro,-z,now -no-pie -fno-pie
	build "$cc" "$a-fortify"   -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now -fPIE -pie
	build "$cc" "$a-execstack" -O0 -fstack-protector-strong -Wl,-z,execstack -fPIE -pie
done
# Thumb code at the entry point (main as entry, so e_entry has bit 0 set).
arm-linux-gnueabi-gcc -mthumb -march=armv7-a -O2 -Wl,-e,main -o arm-thumb hello.c && arm-linux-gnueabi-strip arm-thumb
# A relocatable object with a kernel-style .modinfo section.
printf 'license=GPL\0vermagic=6.1.0-9-marvell mod_unload ARMv5 p2v8 \0name=fixture\0' > modinfo.bin
arm-linux-gnueabi-gcc -c -o fixture.ko -x c - <<'C'
int init_module(void) { return 0; }
C
arm-linux-gnueabi-objcopy --add-section .modinfo=modinfo.bin fixture.ko && rm modinfo.bin
# sstrip-like: section headers removed (e_shoff, e_shnum, e_shstrndx zeroed)
# from a stripped, fortified binary, as OpenWrt's sstrip leaves them.
cp x86-fortify x86-nosections
python3 - x86-nosections <<'PY'
import struct, sys
p = sys.argv[1]; b = bytearray(open(p, 'rb').read())
struct.pack_into('<Q', b, 0x28, 0); struct.pack_into('<HHH', b, 0x3a, 0, 0, 0)
open(p, 'wb').write(b)
PY
: > checksec.csv
for f in x86-* arm-* fixture.ko; do
	checksec --format=csv --file="$f" >> checksec.csv
done
