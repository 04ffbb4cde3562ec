#!/bin/bash
# Remakes the fixtures written by EDK II's BaseTools (tianocore/edk2 at
# c5aa7e7d94c0e6b3c0202e15dbf7a5c92dd6a01d). It runs tools you already have;
# it builds nothing and reads nothing from EDK II: every input is made here.
#   TIANOCOMPRESS, GENSEC, GENFFS, GENFV: the C tools' paths;
#   GENERATECAPSULE: GenerateCapsule.py (PYTHONPATH: its BaseTools/Source/Python,
#   by default the directory above the script's).
# The streams, the volume and the unsigned capsules come out byte for byte the
# same; the signed capsules differ each run (a fresh throw-away key chain and
# the PKCS#7 signing time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${TIANOCOMPRESS:?}" "${GENSEC:?}" "${GENFFS:?}" "${GENFV:?}" "${GENERATECAPSULE:?}"
export PYTHONPATH=${PYTHONPATH:-$(dirname "$(dirname "$GENERATECAPSULE")")}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inputs: 96 KiB of text (python's seeded Mersenne Twister choosing words:
# a mix of literals and matches, several Huffman blocks), the tiny EFI
# application of analyzer/inventory/peinfo (gcc + objcopy), an empty file,
# 200000 repeated bytes (far past the EFI algorithm's 8 KiB window and over
# one 65535-symbol block of the Tiano one), 70000 bytes of AES-CTR keystream
# (incompressible: several blocks of literals) and a 64x48 24-bit BMP.
in=$tmp/in
mkdir "$in"
python3 - "$in" <<'EOF'
import random, struct, sys
d = sys.argv[1]
r = random.Random(1)
words = ("firmware volume section capsule header guid file driver module image payload "
         "tiano efi compress decode block table length position literal match window "
         "fwstar test line boot variable store signature version lowest supported").split()
lines, n = [], 0
while n < 98304:
    l = "%05d %s\n" % (len(lines), " ".join(r.choice(words) for _ in range(r.randint(3, 12))))
    lines.append(l)
    n += len(l)
with open(d + "/text", "w") as f:
    f.write("".join(lines)[:98304])
# BITMAPFILEHEADER, BITMAPINFOHEADER, bottom-up BGR rows padded to 4 bytes.
w, h = 64, 48
row = (w * 3 + 3) & ~3
px = b"".join(bytes(b for x in range(w) for b in (x * 4, y * 5, (x ^ y) * 4)).ljust(row, b"\0") for y in range(h))
with open(d + "/ux.bmp", "wb") as f:
    f.write(b"BM" + struct.pack("<IHHI", 54 + len(px), 0, 0, 54) +
            struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(px), 2835, 2835, 0, 0) + px)
EOF
cp "$here/../../../analyzer/inventory/peinfo/testdata/efi-app.efi" "$in/pe"
: > "$in/empty"
head -c 200000 /dev/zero | tr '\0' A > "$in/repeat"
openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 00000000000000000000000000000000 \
	-in /dev/zero 2>/dev/null | head -c 70000 > "$in/random" || true

# Streams: "TianoCompress -e" (Tiano, 5-bit position-table count) and
# "TianoCompress -e --uefi" (EfiCompress, the EFI 1.1 algorithm GenSec PI_STD
# uses, 4-bit count). SHA256SUMS: the inputs' sha256 and size.
mkdir -p "$here/tiano"
: > "$here/tiano/SHA256SUMS"
for f in text pe empty repeat random ux.bmp; do
	if [ "$f" != ux.bmp ]; then
		"$TIANOCOMPRESS" -e -o "$here/tiano/$f.tiano" "$in/$f" >/dev/null
		"$TIANOCOMPRESS" -e --uefi -o "$here/tiano/$f.efi" "$in/$f" >/dev/null
	fi
	echo "$(sha256sum < "$in/$f" | cut -d' ' -f1) $(wc -c < "$in/$f") $f" >> "$here/tiano/SHA256SUMS"
done

# Volume edk2.fv, three files as GenFds builds them:
#  ...0001 application: PE32 + UI "FwstarStd" in an EFI_SECTION_COMPRESSION
#          (GenSec -c PI_STD);
#  ...0002 driver: PE32 + UI "FwstarTiano" compressed by TianoCompress in a
#          GUID-defined section (A31280AD-..., PROCESSING_REQUIRED);
#  ...0003 freeform: the text in a RAW section in a PI_STD compression section.
cd "$tmp"
TIANO=A31280AD-481E-41B6-95E8-127F4C984779
"$GENSEC" -s EFI_SECTION_PE32 -o pe.sec "$in/pe"
"$GENSEC" -s EFI_SECTION_USER_INTERFACE -n FwstarStd -o ui1.sec
"$GENSEC" -s EFI_SECTION_COMPRESSION -c PI_STD -o comp.sec pe.sec ui1.sec
"$GENFFS" -t EFI_FV_FILETYPE_APPLICATION -g 11111111-2222-3333-4444-000000000001 -o f1.ffs -i comp.sec
"$GENSEC" -s EFI_SECTION_USER_INTERFACE -n FwstarTiano -o ui2.sec
"$GENSEC" -o t.in pe.sec ui2.sec
"$TIANOCOMPRESS" -e -o t.cmp t.in >/dev/null
"$GENSEC" -s EFI_SECTION_GUID_DEFINED -g $TIANO -r PROCESSING_REQUIRED -o tiano.sec t.cmp
"$GENFFS" -t EFI_FV_FILETYPE_DRIVER -g 11111111-2222-3333-4444-000000000002 -o f2.ffs -i tiano.sec
"$GENSEC" -s EFI_SECTION_RAW -o raw.sec "$in/text"
"$GENSEC" -s EFI_SECTION_COMPRESSION -c PI_STD -o rawc.sec raw.sec
"$GENFFS" -t EFI_FV_FILETYPE_FREEFORM -g 11111111-2222-3333-4444-000000000003 -o f3.ffs -i rawc.sec
cat > fv.inf <<'EOF'
[options]
EFI_BLOCK_SIZE = 0x1000
[attributes]
EFI_ERASE_POLARITY = 1
EFI_FVB2_ALIGNMENT_16 = TRUE
[files]
EFI_FILE_NAME = f1.ffs
EFI_FILE_NAME = f2.ffs
EFI_FILE_NAME = f3.ffs
EOF
"$GENFV" -i fv.inf -o "$here/edk2.fv" -g 8C8CE578-8A3D-4F1C-9935-896185C32DD3 >/dev/null
rm -f "$here"/edk2.fv.map "$here"/edk2.fv.txt

# Expected modules: the inputs under the names the walker gives them; when
# UEFIExtract (uefitool-cli) is installed its decompressed sections must
# match them too.
mkdir tree
cp "$in/pe" tree/11111111-2222-3333-4444-000000000001_FwstarStd.efi
cp "$in/pe" tree/11111111-2222-3333-4444-000000000002_FwstarTiano.efi
cp "$in/text" tree/11111111-2222-3333-4444-000000000003.bin
chmod 644 tree/*
(cd "$here/../../.." && go run ./extractors/sinktest/treelist "$tmp/tree") |
	sed 's/^\(11111111-[^\t]*\.bin\)\tfile\t644/\1\tblob\t644/' > "$here/edk2.fv.tree"
if command -v UEFIExtract >/dev/null; then
	cp "$here/edk2.fv" x.fv
	UEFIExtract x.fv all >/dev/null 2>&1 || true
	find x.fv.dump -path '*PE32 image section/body.bin' -o -path '*Raw section/body.bin' |
		xargs -d '\n' sha256sum | cut -d' ' -f1 | sort > got
	sha256sum "$in/pe" "$in/pe" "$in/text" | cut -d' ' -f1 | sort > want
	cmp got want
fi

# A throw-away PKCS#7 key chain, as GenerateCapsule's OpenSSL signing wants
# it: a root CA (the trusted public cert), an intermediate CA (the other
# public cert) and a signer whose PEM holds its key and certificate.
ca() { # name, subject, issuer name (none: self-signed), extensions
	openssl req -new -newkey rsa:2048 -nodes -keyout "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
	printf '%s\n' "$4" > "$1.ext"
	local by=(-signkey "$1.key")
	[ -z "$3" ] || by=(-CA "$3.crt" -CAkey "$3.key" -set_serial 1)
	openssl x509 -req -in "$1.csr" "${by[@]}" -days 3650 -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
ca root "fwstar test root" "" "basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign"
ca sub "fwstar test intermediate" root "basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign"
ca signer "fwstar test signer" sub "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature"
cat signer.key signer.crt > signer.pem

# Capsules around edk2.fv:
#  capsule-efi.cap: GenFv -c, its default capsule GUID, PersistAcrossReset+InitiateReset;
#  capsule-fmp.cap: GenerateCapsule, one unsigned payload (hardware instance 5, index 2);
#  capsule-fmp-signed.cap: the same signed with the key chain above, monotonic count 7;
#  capsule-fmp-multi.cap: from multi.json, an embedded driver (the PE), a signed
#    payload with a dependency expression and an unsigned PE payload;
#  capsule-ux.cap: GenFv -c with WINDOWS_UX_CAPSULE_GUID around a
#    DISPLAY_DISPLAY_PAYLOAD (version 1, BMP, mode 0, offset 16,32: no tool
#    writes those 16 bytes, printf does) and the BMP.
cat > cap.inf <<'EOF'
[options]
EFI_CAPSULE_GUID = 3B6686BD-0D76-4030-B70E-B5519E2FC5A0
EFI_CAPSULE_HEADER_SIZE = 0x20
EFI_CAPSULE_FLAGS = PersistAcrossReset,InitiateReset
[files]
EFI_FILE_NAME = edk2.fv
EOF
cp "$here/edk2.fv" edk2.fv
"$GENFV" -c -i cap.inf -o "$here/capsule-efi.cap" >/dev/null
G="python3 $GENERATECAPSULE"
$G -e -o "$here/capsule-fmp.cap" --guid 11111111-2222-3333-4444-0000000000F0 --fw-version 0x00010002 \
	--lsv 0x00010000 --capflag PersistAcrossReset --hardware-instance 0x5 --update-image-index 2 edk2.fv >/dev/null
$G -e -o "$here/capsule-fmp-signed.cap" --guid 11111111-2222-3333-4444-0000000000F0 --fw-version 0x00010002 \
	--lsv 0x00010000 --capflag PersistAcrossReset --monotonic-count 7 --signer-private-cert signer.pem \
	--other-public-cert sub.crt --trusted-public-cert root.crt edk2.fv >/dev/null
cp "$in/pe" pe.efi
cat > multi.json <<EOF
{"EmbeddedDrivers": [{"Driver": "pe.efi"}],
 "Payloads": [
  {"Payload": "edk2.fv", "Guid": "11111111-2222-3333-4444-0000000000F1", "FwVersion": "0x00000203",
   "LowestSupportedVersion": "0x00000200", "HardwareInstance": "0x2A", "UpdateImageIndex": "0x1", "MonotonicCount": "0x9",
   "OpenSslSignerPrivateCertFile": "signer.pem", "OpenSslOtherPublicCertFile": "sub.crt",
   "OpenSslTrustedPublicCertFile": "root.crt",
   "Dependencies": "11111111-2222-3333-4444-0000000000F2 >= 0x00000100 && TRUE DECLARE \"fwstar-dep\""},
  {"Payload": "pe.efi", "Guid": "11111111-2222-3333-4444-0000000000F2", "FwVersion": "0x00000100",
   "LowestSupportedVersion": "0x00000001", "UpdateImageIndex": "0x2"}]}
EOF
$G -e -j multi.json --capflag PersistAcrossReset --capflag InitiateReset -o "$here/capsule-fmp-multi.cap" >/dev/null
# The reference decoding of each FMP capsule, for the tests to compare with.
for c in capsule-fmp capsule-fmp-signed capsule-fmp-multi; do
	$G --dump-info "$here/$c.cap" > "$here/$c.info"
done
printf '\001\000\000\000\000\000\000\000\020\000\000\000\040\000\000\000' > ux.in
cat "$in/ux.bmp" >> ux.in
cat > ux.inf <<'EOF'
[options]
EFI_CAPSULE_GUID = 3B8C8162-188C-46A4-AEC9-BE43F1D65697
EFI_CAPSULE_HEADER_SIZE = 0x1C
EFI_CAPSULE_FLAGS = PersistAcrossReset
[files]
EFI_FILE_NAME = ux.in
EOF
"$GENFV" -c -i ux.inf -o "$here/capsule-ux.cap" >/dev/null
