#!/bin/sh
# Rebuilds the PE fixtures: efi.c linked as an ELF shared object and turned
# into PE32+ EFI images by objcopy (one per EFI subsystem), one signed by
# osslsigncode with a throw-away self-signed certificate, and a copy of that
# with one code byte changed after signing (authentihash mismatch).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -O2 -fPIC -fno-stack-protector -nostdlib -shared -Wl,-Bsymbolic -Wl,-e,efi_main -o "$tmp/efi.so" efi.c
for t in app bsdrv rtdrv; do
	objcopy --target=efi-$t-x86_64 "$tmp/efi.so" efi-$t.efi
done
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=fwstar fixture signer" \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
rm -f efi-signed.efi
osslsigncode sign -certs "$tmp/cert.pem" -key "$tmp/key.pem" -h sha256 -in efi-app.efi -out efi-signed.efi >/dev/null
# Change the first byte of .text (its file offset from objdump) after signing.
off=$(objdump -h efi-signed.efi | awk '$2==".text" {print $6}')
cp efi-signed.efi efi-tampered.efi
printf '\314' | dd of=efi-tampered.efi bs=1 seek=$((0x$off)) conv=notrunc 2>/dev/null
# Reference values: osslsigncode's digest of the signed image, objdump's header fields.
osslsigncode verify -in efi-signed.efi 2>/dev/null | sed -n 's/^Current message digest *: *\([0-9A-F]*\).*/\1/p' > authentihash.txt
for f in efi-app.efi efi-bsdrv.efi efi-rtdrv.efi; do
	printf '%s %s\n' "$f" "$(objdump -p $f | awk '/^DllCharacteristics/ {print $2}')"
done > dllcharacteristics.txt
