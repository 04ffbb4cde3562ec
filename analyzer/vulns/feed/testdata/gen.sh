#!/bin/sh
# Rebuilds the trimmed real CISA KEV catalogs from a clone of
# github.com/cisagov/kev-data (bare or not): the catalog header and the
# chosen entries are copied byte for byte, only the other entries are left
# out (so "count" still says the whole catalog's 1404 / 1352).
#   sh gen.sh /path/to/kev-data
# The OSV and EPSS files are copied unmodified (see README.md).
set -eu
repo=${1:?usage: gen.sh KEV-DATA-REPO}
here=$(cd "$(dirname "$0")" && pwd)
head=eacf03ec6637cc7be6d3d4ed50785493da5126a2 # catalogVersion 2025.08.25
old=5e51cd844924eca59865154fa1eaf0aa6998e28b  # catalogVersion 2025.05.22
keep="CVE-2023-4911 CVE-2016-5195 CVE-2017-1000253 CVE-2014-0160 CVE-2020-25078 CVE-2021-3156 CVE-2020-29583"
keep_old="CVE-2025-4664 CVE-2023-4911 CVE-2016-5195"

# trim_json KEEP: keeps the lines up to the array's opening, the entry
# blocks ("        {" ... "        }") of the CVEs in KEEP, and the closing.
trim_json() {
	python3 -c '
import sys
keep = set(sys.argv[1].split())
lines = sys.stdin.read().split("\n")
start = lines.index("    \"vulnerabilities\": [")
out, block = lines[:start + 1], []
blocks = []
for l in lines[start + 1:]:
    if l.startswith("        {"):
        block = [l]
    elif l.startswith("        }"):
        block.append("        }")
        cve = block[1].split("\"")[3]
        if cve in keep:
            blocks.append("\n".join(block))
    elif block:
        block.append(l)
found = {b.split("\n")[1].split("\"")[3] for b in blocks}
if found != keep:
    sys.exit("missing: %s" % (keep - found))
sys.stdout.write("\n".join(out) + "\n" + ",\n".join(blocks) + "\n    ]\n}")
' "$1"
}

mkdir -p "$here/kev/2025.05.22"
git -C "$repo" show $head:known_exploited_vulnerabilities.json | trim_json "$keep" >"$here/kev/known_exploited_vulnerabilities.json"
git -C "$repo" show $old:known_exploited_vulnerabilities.json | trim_json "$keep_old" >"$here/kev/2025.05.22/known_exploited_vulnerabilities.json"
git -C "$repo" show $head:known_exploited_vulnerabilities_schema.json >"$here/kev/known_exploited_vulnerabilities_schema.json"
pat=$(echo "$keep" | sed 's/ /,|^/g')
git -C "$repo" show $head:known_exploited_vulnerabilities.csv | grep -E "^cveID,|^$pat," >"$here/kev/known_exploited_vulnerabilities.csv"
