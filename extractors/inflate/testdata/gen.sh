#!/bin/sh
# Rebuilds the fixtures with the real zlib (Python's zlib module links it)
# and Debian's gzip. Inputs are our own: the first 48 KiB of the fwstar
# binary (machine code) followed by the repository's README, RELIABILITY
# and BENCHMARKS texts (about 90 KiB: its first 70000 bytes make two stored blocks).
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mix=$tmp/mix
(cd ../../.. && go build -o "$tmp/fwstar" ./cmd/fwstar)
head -c 49152 "$tmp/fwstar" >"$mix"
cat ../../../README.md ../../../RELIABILITY.md ../../../BENCHMARKS.md >>"$mix"

python3 - "$mix" <<'PY'
import random, sys, zlib
mix = open(sys.argv[1], "rb").read()
rnd = random.Random(1950)
noise = bytes(rnd.getrandbits(8) for _ in range(16384))
# Long matches: a run (distance 1) and a block repeated at distance 32500
# (zlib never reaches back further than 32 KiB - 262 bytes).
block = bytes(rnd.getrandbits(8) for _ in range(32500))
longm = b"a" * 20000 + block + block + b"xyz" * 3000

def z(name, data, level=6, wbits=15, mem=8, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, mem, strategy)
    open(name, "wb").write(c.compress(data) + c.flush())

z("stored.zz", mix[:70000], level=0)   # two stored blocks (64 KiB max each)
z("level1.zz", mix, level=1)
z("level6.zz", mix)
z("level9.zz", mix, level=9)
z("huffman.zz", mix, strategy=zlib.Z_HUFFMAN_ONLY)
z("rle.zz", mix, strategy=zlib.Z_RLE)
z("fixed.zz", mix, strategy=zlib.Z_FIXED)
z("mem1.zz", mix, level=9, mem=1)       # small blocks: many dynamic headers
z("window9.zz", mix, wbits=9)           # 512-byte window
z("raw.deflate", mix, wbits=-15)        # no zlib wrapper
z("empty.zz", b"")
z("one.zz", b"\x00")
z("random.zz", noise)                   # incompressible: stored blocks
z("longmatch.zz", longm, level=9)
PY
gzip -1 -n -c "$mix" >gzip1.gz
cp ../../../README.md "$tmp/README.md"
gzip -9 -c "$tmp/README.md" >gzip9.gz   # keeps FNAME
