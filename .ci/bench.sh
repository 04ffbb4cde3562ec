#!/usr/bin/env bash
# bench.sh times fwstar beside the peer tools on the same inputs, in the same
# run, and prints the Markdown tables that BENCHMARKS.md is made of.
#
#   bash .ci/bench.sh                # REPS=3 repetitions, median reported
#   REPS=1 STAGES="unpack scan" bash .ci/bench.sh
#   bash .ci/bench.sh --tables DIR   # the tables of an earlier run again
#
# Inputs: the real images in $FWSTAR_CORPUS (default ../shared/corpus) and
# samples/demo-router.bin. Peer tools: Debian binwalk, unsquashfs, gzip+cpio,
# tar, unzip, fsck.cramfs, checksec; gitleaks and syft when found on PATH, in
# $(go env GOPATH)/bin, or named by $GITLEAKS / $SYFT. Build them with
#   GOFLAGS=-p=1 nice -n 19 go install github.com/zricethezav/gitleaks/v8@v8.30.1
#   GOFLAGS=-p=1 nice -n 19 go install github.com/anchore/syft/cmd/syft@v1.57.1
# and a missing one is reported as such, not waited for.
#
# Every timing is `/usr/bin/time -f '%e %U %S %M'` (wall s, user s, sys s,
# peak RSS KB; children included) of one run, from a warm page cache, with
# the 1-minute load average read just before it. hyperfine is not used: it
# does not report peak memory. CPU (user+sys) is the fair figure when other
# work shares the machine; wall time is what a user waits under that load.
#
# Go benchmarks give ns/op (wall). To get CPU per operation the test binary is
# run with -benchtime 2x and 5x under /usr/bin/time: both runs do the same
# setup (b.Loop runs the function once; old-style b.N runs it for N=1, then
# N), so the difference is the CPU of exactly 3 operations.
#
# Output folders are made under $TMPDIR (mktemp -d). Every tool writes to the
# same file system; TMPDIR=/dev/shm times the tools rather than the disk (on
# this machine's ext4, creating files right after deleting as many is
# several times slower and varies from run to run).
#
# Output: raw results (raw.tsv, gobench.txt, env.txt and tool logs) in
# $BENCH_OUT (default /tmp/fwstar-bench-DATE); the tables go to stdout and
# to $BENCH_OUT/tables.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# tables RAW GOBENCH: the Markdown tables from the raw results.
tables() {
	python3 - "$1" "$2" <<'EOF'
import statistics as st, sys, os, re
raw, gobench = sys.argv[1], sys.argv[2]
runs, notes, gocpu, env = {}, {}, {}, {}
for line in open(raw):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'time':
        _, stage, inp, tool, rep, w, u, s, m, load, rc = f
        runs.setdefault((stage, inp, tool), []).append((float(w), float(u) + float(s), int(m), float(load), int(rc), float(u), float(s)))
    elif f[0] == 'note':
        notes[tuple(f[1:4])] = f[4]
    elif f[0] == 'gocpu':
        gocpu[(f[1], f[2])] = f[3:]
    elif f[0] == 'env':
        env[f[1]] = f[2]

def med(stage, inp, tool):
    r = runs.get((stage, inp, tool))
    if not r:
        return None
    return dict(wall=st.median(x[0] for x in r), cpu=st.median(x[1] for x in r),
                rss=st.median(x[2] for x in r), load=st.median(x[3] for x in r),
                fails=sum(x[4] != 0 for x in r), n=len(r),
                user=st.median(x[5] for x in r), sys=st.median(x[6] for x in r))

def esc(t):
    return t.replace('|', '\\|')

def fmt(m):
    if m is None:
        return '–', '–', '–', '–'
    fail = f" (exit≠0 ×{m['fails']})" if m['fails'] else ''
    return f"{m['wall']:.2f} s{fail}", f"{m['cpu']:.2f} s", f"{m['rss'] / 1024:.0f} MB", f"{m['load']:.1f}"

def ratio(peer, ours):
    if not peer or not ours or peer['fails'] == peer['n']:
        return '–'
    def r(a, b):
        return f'{a / b:.1f}×' if b > 0 else '–'
    return f"{r(peer['cpu'], ours['cpu'])} CPU, {r(peer['wall'], ours['wall'])} wall"

print(f"Run: {env.get('date')}; {env.get('nproc')} × {env.get('cpu')}; {env.get('go')}; "
      f"load average at start {env.get('load_start')}, at end {env.get('load_end')}; "
      f"output folders on {env.get('outfs', 'the disk')}.\n")
print('Versions: ' + '; '.join(f'{k} {env[k]}' for k in ('fwstar', 'binwalk', 'unsquashfs', 'cpio', 'gzip', 'tar',
      'unzip', 'checksec', 'gitleaks', 'syft') if k in env) + '.\n')

inputs = []
for (stage, inp, tool) in runs:
    if stage == 'unpack' and inp not in inputs:
        inputs.append(inp)
if inputs:
    print('### Unpack (median of runs; CPU = user+sys; ratio = peer ÷ fwstar, above 1× fwstar is faster)\n')
    print('| input | tool | wall | CPU | user / sys | peak RSS | load | ratio | extracted |')
    print('|---|---|---|---|---|---|---|---|---|')
    for inp in inputs:
        ours = med('unpack', inp, 'fwstar')
        for (stage, i, tool) in runs:
            if stage != 'unpack' or i != inp:
                continue
            m = med(stage, inp, tool)
            w, c, r, l = fmt(m)
            rt = '' if tool == 'fwstar' else ratio(m, ours)
            us = f"{m['user']:.2f} / {m['sys']:.2f}"
            print(f"| {inp} | {esc(tool)} | {w} | {c} | {us} | {r} | {l} | {rt} | {notes.get((stage, inp, tool), '')} |")
    print()

scans = [(i, t) for (s, i, t) in runs if s == 'scan']
if scans:
    print('### Whole scan (`fwstar scan --format json`) beside `fwstar extract`\n')
    print('| input | scan wall | scan CPU | scan peak RSS | load | extract CPU | analysis CPU (scan − extract) | report |')
    print('|---|---|---|---|---|---|---|---|')
    for inp, tool in scans:
        m, e = med('scan', inp, tool), med('unpack', inp, 'fwstar')
        w, c, r, l = fmt(m)
        ec = f"{e['cpu']:.2f} s" if e else '–'
        ac = f"{m['cpu'] - e['cpu']:.2f} s" if e else '–'
        print(f"| {inp} | {w} | {c} | {r} | {l} | {ec} | {ac} | {notes.get(('scan', inp, tool), '')} |")
    print()

for stage, title in (('inventory', 'Inventory'), ('secrets', 'Secrets'), ('sbom', 'SBOM')):
    rows = [(i, t) for (s, i, t) in runs if s == stage]
    rows += [(i, 'go:' + v[0]) for (s, i), v in gocpu.items() if s == stage]
    nrows = [(i, t) for (s, i, t) in notes if s == stage and (i, t) not in rows]
    if not rows and not nrows:
        continue
    print(f'### {title}\n')
    print('| input | tool | wall | CPU | peak RSS | load | found |')
    print('|---|---|---|---|---|---|---|')
    for inp, tool in sorted(rows + nrows):
        if tool.startswith('go:'):
            name, cpu, wall, rss, load, extra = gocpu[(stage, inp)]
            print(f"| {inp} | {name} (per op) | {float(wall):.3f} s | {float(cpu):.3f} s | {int(rss) / 1024:.0f} MB (process, incl. setup) | {load} | {extra} |")
        else:
            w, c, r, l = fmt(med(stage, inp, tool))
            print(f"| {inp} | {esc(tool)} | {w} | {c} | {r} | {l} | {notes.get((stage, inp, tool), '')} |")
    print()

if os.path.exists(gobench):
    print('### Go benchmarks (`go test -p 1 -bench . -benchtime 3x -benchmem`)\n')
    print('| package | benchmark | time/op | MB/s | B/op | allocs/op | other |')
    print('|---|---|---|---|---|---|---|')
    pkg, loads = '', []
    for line in open(gobench):
        f = line.split()
        if line.startswith('pkg:'):
            pkg = f[1].replace('github.com/fwstar/fwstar/', '')
        elif line.startswith('Benchmark') and 'ns/op' in f:
            m = {f[i + 1]: f[i] for i in range(2, len(f) - 1, 2)}
            ns = float(m.pop('ns/op'))
            t = f'{ns / 1e9:.3f} s' if ns >= 1e8 else f'{ns / 1e6:.2f} ms' if ns >= 1e5 else f'{ns / 1e3:.1f} µs'
            mbs, bop, aop = m.pop('MB/s', ''), m.pop('B/op', ''), m.pop('allocs/op', '')
            bop = f'{int(bop) / 1048576:.1f} MiB' if bop else ''
            other = ' '.join(f'{v} {k}' for k, v in m.items())
            print(f"| {pkg} | {re.sub(r'-[0-9]+$', '', f[0])} | {t} | {mbs} | {bop} | {aop} | {other} |")
        elif line.startswith('load_'):
            loads.append(line.strip().replace('\t', ' '))
    print('\nLoad average (1, 5, 15 min): ' + '; '.join(loads) + '\n')
EOF
}

if [[ ${1:-} == --tables ]]; then # redo the tables of an earlier run: --tables DIR
	tables "$2/raw.tsv" "$2/gobench.txt"
	exit
fi

corpus=$(cd "${FWSTAR_CORPUS:-$root/../shared/corpus}" && pwd)
export FWSTAR_CORPUS=$corpus
REPS=${REPS:-3}
STAGES=${STAGES:-"unpack scan inventory secrets sbom gobench"}
out=${BENCH_OUT:-/tmp/fwstar-bench-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
raw=$out/raw.tsv
: >"$raw"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find_tool() { # NAME: path of a tool, or nothing
	local p
	p=$(command -v "$1" 2>/dev/null) || p="$(go env GOPATH)/bin/$1"
	[[ -x $p ]] && echo "$p"
	return 0
}
gitleaks=${GITLEAKS:-$(find_tool gitleaks)}
export SYFT_CHECK_FOR_APP_UPDATE=false

has_stage() { [[ " $STAGES " == *" $1 "* ]]; }
load1() { cut -d' ' -f1 /proc/loadavg; }
log() { echo "[$(date -u +%H:%M:%S) load $(load1)] $*" >&2; }

# --- machine and tool versions ----------------------------------------------
{
	echo "date	$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc	$(nproc)"
	echo "cpu	$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "mem	$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
	echo "kernel	$(uname -r)"
	echo "outfs	$(df -PT "$tmp" | awk 'NR == 2 {print $2 " (" $7 ")"}')"
	echo "go	$(go version | cut -d' ' -f3-)"
	echo "fwstar	$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "binwalk	$(binwalk --help 2>&1 | sed -n 's/^Binwalk v//p' | head -1) (Debian $(dpkg-query -W -f '${Version}' binwalk))"
	echo "unsquashfs	$(dpkg-query -W -f '${Version}' squashfs-tools)"
	echo "cpio	$(cpio --version | head -1)"
	echo "gzip	$(gzip --version | head -1)"
	echo "tar	$(tar --version | head -1)"
	echo "unzip	$(unzip -v | head -1 | cut -d' ' -f1-2)"
	echo "checksec	$(checksec --version 2>&1 | head -1 | cut -d, -f1) (Debian $(dpkg-query -W -f '${Version}' checksec))"
	if [[ -n $gitleaks ]]; then
		echo "gitleaks	$(go version -m "$gitleaks" | awk '$1 == "mod" {print $3}') ($(go version -m "$gitleaks" | head -1 | cut -d' ' -f2))"
	else
		echo "gitleaks	not available"
	fi
	echo "load_start	$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/env.txt"
sed 's/^/env\t/' "$out/env.txt" >>"$raw"

log "building fwstar"
CGO_ENABLED=0 go build -o "$tmp/fwstar" ./cmd/fwstar # the static binary README installs
fwstar=$tmp/fwstar

# --- measurement helpers -----------------------------------------------------

# count_tree DIR: "files=N links=N elfs=N [pe=N]": regular files, symlinks,
# files starting with the ELF magic, and with "MZ" (PE images).
count_tree() {
	python3 - "$1" <<'EOF'
import os, sys
files = links = elfs = pes = 0
for d, dirs, names in os.walk(sys.argv[1]):
    for n in names + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
        p = os.path.join(d, n)
        if os.path.islink(p):
            links += 1
        elif os.path.isfile(p):
            files += 1
            try:
                with open(p, 'rb') as f:
                    magic = f.read(4)
                elfs += magic == b'\x7fELF'
                pes += magic[:2] == b'MZ'
            except OSError:
                pass
print(f"files={files} links={links} elfs={elfs}" + (f" pe={pes}" if pes else ""))
EOF
}

# timed STAGE INPUT TOOL REPS DIR CMD...: runs CMD REPS times, each in a new
# empty folder (cwd), and records one "time" row per run. The last run's
# folder becomes DIR, for counting. Nothing is deleted until the script ends:
# ext4 slows inode allocation after a large delete (it skips recently freed
# inodes), which would bias whichever tool runs next.
timed() {
	local stage=$1 input=$2 tool=$3 reps=$4 dir=$5 rep rc l run
	shift 5
	[[ -e $dir ]] && mv "$dir" "$(mktemp -d "$tmp/old.XXXXXX")/"
	for ((rep = 1; rep <= reps; rep++)); do
		run=$(mktemp -d "$tmp/run.XXXXXX")
		l=$(load1)
		rc=0
		(cd "$run" && /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$tmp/stdout" 2>"$tmp/stderr") || rc=$?
		read -r w u s m < <(tail -1 "$tmp/time")
		printf 'time\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\n' "$stage" "$input" "$tool" "$rep" "$w" "$u" "$s" "$m" "$l" "$rc" >>"$raw"
		if ((rc != 0)); then
			{ echo "== $stage $input $tool rc=$rc"; tail -5 "$tmp/stderr"; } >>"$out/failures.log"
		fi
	done
	mkdir -p "$(dirname "$dir")" && mv "$run" "$dir"
}

# note STAGE INPUT TOOL TEXT: what a tool extracted or found.
note() { printf 'note\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$raw"; }

# gocpu STAGE INPUT PKG BENCH [VAR=VALUE...]: CPU and wall per operation of
# one Go benchmark (BENCH must select exactly one), by the 5x-2x difference.
gocpu() {
	local stage=$1 input=$2 pkg=$3 bench=$4 n l rc
	shift 4
	local bin=$tmp/gotest/${pkg//\//_}.test
	if [[ ! -x $bin ]]; then
		mkdir -p "$tmp/gotest"
		go test -c -o "$bin" "./$pkg"
	fi
	l=$(load1)
	for n in 2 5; do
		rc=0
		(cd "$pkg" && env "$@" /usr/bin/time -f '%e %U %S %M' -o "$tmp/gotime.$n" \
			"$bin" -test.run '^$' -test.bench "$bench" -test.benchtime "${n}x" -test.benchmem >"$tmp/gobench.$n" 2>&1) || rc=$?
		cat "$tmp/gobench.$n" >>"$out/gocpu.log"
		if ((rc != 0)) || ! grep -q ' ns/op' "$tmp/gobench.$n"; then
			note "$stage" "$input" "fwstar-go" "benchmark $bench failed or skipped"
			return 0
		fi
	done
	python3 - "$stage" "$input" "$pkg" "$bench" "$l" "$tmp/gotime.2" "$tmp/gotime.5" "$tmp/gobench.5" >>"$raw" <<'EOF'
import re, sys
stage, inp, pkg, bench, load, t2, t5, out5 = sys.argv[1:]
def cpu(p):
    w, u, s, m = open(p).read().split()[-4:]
    return float(u) + float(s), int(m)
c2, _ = cpu(t2)
c5, rss = cpu(t5)
line = [l for l in open(out5) if ' ns/op' in l][-1].split()
metrics = {line[i + 1]: line[i] for i in range(2, len(line) - 1, 2)}
wall = float(metrics.pop('ns/op')) / 1e9
metrics.pop('MB/s', None)
metrics.pop('allocs/op', None)
alloc = int(metrics.pop('B/op', 0))
extra = ' '.join(f'{k}={float(v):g}' for k, v in metrics.items()) + f' (allocates {alloc / 1048576:.0f} MiB/op)'
name = re.sub(r'-[0-9]+$', '', line[0])
print(f"gocpu\t{stage}\t{inp}\t{pkg} {name}\t{(c5 - c2) / 3:.3f}\t{wall:.3f}\t{rss}\t{load}\t{extra}")
EOF
}

# --- inputs ------------------------------------------------------------------
images=(
	"$corpus/openwrt-15.05.1-tl-wr703n-factory.bin"
	"$corpus/ddwrt-v24-mini-generic.trx.bin"
	"$corpus/dlink-dir612b1-fw201.zip"
	"$corpus/iotctf2020-web2.squashfs"
	"$corpus/licheepi-nano-rootfs.jffs2"
	"$corpus/licheepi-nano-rootfs.tar"
	"$corpus/esp32s3-linux-rootfs-xip.cramfs"
	"$corpus/debian12-kirkwood-initrd.gz"
	"$corpus/debian12-ovmf-x64.fd"
	"$root/samples/demo-router.bin"
	"$tmp/openwrt-rootfs.squashfs"
)
# OpenWrt's root file system alone, as its header places it: unsquashfs and
# fwstar on the same job, without the kernel that fwstar also unpacks.
dd if="$corpus/openwrt-15.05.1-tl-wr703n-factory.bin" of="$tmp/openwrt-rootfs.squashfs" \
	bs=4096 skip=1159328 count=2316100 iflag=skip_bytes,count_bytes status=none
for img in "${images[@]}"; do cat "$img" >/dev/null; done # warm the page cache

# The format's own Debian tool, where one applies: "TOOL NAME::COMMAND", the
# command run by bash in the output folder with $1 = the image.
peer_tool() {
	case $(basename "$1") in
	openwrt-15*) echo 'unsquashfs::unsquashfs -q -n -f -o 1159328 -d out "$1"' ;;
	ddwrt-*) echo 'unsquashfs::unsquashfs -q -n -f -o 923872 -d out "$1"' ;;
	iotctf2020-* | openwrt-rootfs.squashfs) echo 'unsquashfs::unsquashfs -q -n -f -d out "$1"' ;;
	demo-router.bin) echo 'unsquashfs::unsquashfs -q -n -f -o 64 -d out "$1"' ;;
	*.tar) echo 'tar -x::tar -xf "$1"' ;;
	*.zip) echo 'unzip::unzip -q "$1"' ;;
	*initrd.gz) echo 'gzip -dc | cpio -idm::gzip -dc "$1" | cpio -idm --quiet' ;;
	*.cramfs) echo 'fsck.cramfs -x::fsck.cramfs --extract=out "$1"' ;;
	esac
}

# Reference extractions reused by the later stages, on the disk even when
# TMPDIR is /dev/shm: syft skips every path under /dev.
trees=$(mktemp -d /var/tmp/fwstar-trees.XXXXXX)
trap 'rm -rf "$tmp" "$trees"' EXIT

# --- unpack ------------------------------------------------------------------
if has_stage unpack; then
	for img in "${images[@]}"; do
		name=$(basename "$img")
		log "unpack $name"
		d=$tmp/run/fwstar
		timed unpack "$name" fwstar "$REPS" "$d" "$fwstar" extract "$img" -o out
		note unpack "$name" fwstar "$(count_tree "$d/out")"
		d=$tmp/run/binwalk
		timed unpack "$name" "binwalk -Me" "$REPS" "$d" binwalk -Me --run-as=root -C . "$img"
		note unpack "$name" "binwalk -Me" "$(count_tree "$d")"
		if spec=$(peer_tool "$img") && [[ -n $spec ]]; then
			d=$tmp/run/peer
			timed unpack "$name" "${spec%%::*}" "$REPS" "$d" bash -c "${spec#*::}" _ "$img"
			note unpack "$name" "${spec%%::*}" "$(count_tree "$d")"
			case $name in
			openwrt-15*) mv "$d/out" "$trees/openwrt" ;;
			debian12-kirkwood-*) mv "$d" "$trees/kirkwood" ;;
			licheepi-nano-rootfs.tar) mv "$d" "$trees/licheepi" ;;
			esac
		fi
	done
fi

# The later stages need the reference trees even when unpack is skipped.
[[ -d $trees/openwrt ]] || unsquashfs -q -n -o 1159328 -d "$trees/openwrt" "$corpus/openwrt-15.05.1-tl-wr703n-factory.bin" >/dev/null
[[ -d $trees/kirkwood ]] || (mkdir -p "$trees/kirkwood" && cd "$trees/kirkwood" && gzip -dc "$corpus/debian12-kirkwood-initrd.gz" | cpio -idm --quiet 2>/dev/null)
[[ -d $trees/licheepi ]] || (mkdir -p "$trees/licheepi" && tar -xf "$corpus/licheepi-nano-rootfs.tar" -C "$trees/licheepi")

# --- whole scan ----------------------------------------------------------------
if has_stage scan; then
	for img in "${images[@]}"; do
		name=$(basename "$img")
		log "scan $name"
		timed scan "$name" "fwstar scan" "$REPS" "$tmp/run/scan" "$fwstar" scan "$img" --format json -o report.json
		note scan "$name" "fwstar scan" "$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(f"{k}={len(r[k])}" for k in ("findings","components","vulnerabilities","layers") if isinstance(r.get(k), list)))' "$tmp/run/scan/report.json" 2>/dev/null || true)"
	done
fi

# --- inventory: checksec --dir beside fwstar's inventory pass ----------------
if has_stage inventory; then
	log "inventory: checksec --dir on the kirkwood tree (one run)"
	timed inventory debian12-kirkwood-initrd.gz "checksec --dir" 1 "$tmp/run/checksec" \
		checksec --dir="$trees/kirkwood" --format=csv
	note inventory debian12-kirkwood-initrd.gz "checksec --dir" "elfs=$(grep -c . "$tmp/stdout" || true)"
	cp "$tmp/stdout" "$out/checksec-kirkwood.csv"
	log "inventory: fwstar"
	gocpu inventory debian12-kirkwood-initrd.gz analyzer/inventory '^BenchmarkKirkwood$'
fi

# --- secrets: gitleaks beside fwstar's secrets pass ----------------------------
if has_stage secrets; then
	for t in kirkwood openwrt licheepi; do
		log "secrets $t"
		if [[ -n $gitleaks ]]; then
			timed secrets "$t" gitleaks "$REPS" "$tmp/run/gitleaks" \
				"$gitleaks" dir "$trees/$t" --no-banner --exit-code 0 --report-path x.json
			note secrets "$t" gitleaks "findings=$(jq length "$tmp/run/gitleaks/x.json") rules=$(jq -r '[.[].RuleID] | group_by(.) | map("\(.[0]):\(length)") | join(",")' "$tmp/run/gitleaks/x.json")"
		else
			note secrets "$t" gitleaks "not available"
		fi
		gocpu secrets "$t" analyzer/secrets '^BenchmarkDir$' FWSTAR_BENCH_DIR="$trees/$t"
	done
fi

# --- every Go benchmark in the repo ------------------------------------------------
if has_stage gobench; then
	mapfile -t pkgs < <(grep -rl 'func Benchmark' --include='*_test.go' . | xargs -n1 dirname | sort -u)
	log "go benchmarks: ${pkgs[*]}"
	# -p 1: one package's benchmarks at a time, so they do not compete.
	echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/gobench.txt"
	go test -p 1 -run '^$' -bench . -benchtime 3x -benchmem "${pkgs[@]}" >>"$out/gobench.txt" 2>&1 || true
	echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/gobench.txt"
fi

# --- SBOM: syft beside fwstar sbom -------------------------------------------------
# Last, so that a syft still being built when the run starts can be used.
if has_stage sbom; then
	syft=${SYFT:-$(find_tool syft)}
	if [[ -n $syft ]]; then
		echo "env	syft	$(go version -m "$syft" | awk '$1 == "mod" {print $3}') ($(go version -m "$syft" | head -1 | cut -d' ' -f2))" >>"$raw"
	else
		echo "env	syft	not available" >>"$raw"
	fi
	for t in openwrt kirkwood licheepi; do
		case $t in
		openwrt) img=$corpus/openwrt-15.05.1-tl-wr703n-factory.bin ;;
		kirkwood) img=$corpus/debian12-kirkwood-initrd.gz ;;
		licheepi) img=$corpus/licheepi-nano-rootfs.tar ;;
		esac
		log "sbom $t"
		timed sbom "$t" "fwstar sbom" "$REPS" "$tmp/run/sbom" "$fwstar" sbom "$img" -o sbom.json
		note sbom "$t" "fwstar sbom" "$(jq -r '"components=\(.components | length) " + ([.components[].type] | group_by(.) | map("\(.[0]):\(length)") | join(","))' "$tmp/run/sbom/sbom.json")"
		cp "$tmp/run/sbom/sbom.json" "$out/fwstar-sbom-$t.json"
		if [[ -n $syft ]]; then
			timed sbom "$t" syft "$REPS" "$tmp/run/syft" \
				"$syft" -q "dir:$trees/$t" --base-path "$trees/$t" -o "cyclonedx-json=syft.json"
			note sbom "$t" syft "$(jq -r '"components=\(.components | length) " + ([.components[].type] | group_by(.) | map("\(.[0]):\(length)") | join(","))' "$tmp/run/syft/syft.json")"
			cp "$tmp/run/syft/syft.json" "$out/syft-$t.json"
		else
			note sbom "$t" syft "not available"
		fi
	done
	gocpu sbom openwrt analyzer/sbom '^BenchmarkBuild$/^openwrt'
	gocpu sbom kirkwood analyzer/sbom '^BenchmarkBuild$/^debian12-kirkwood'
fi

echo "env	load_end	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw"

tables "$raw" "$out/gobench.txt" >"$out/tables.md"
cat "$out/tables.md"
log "raw results in $out"
