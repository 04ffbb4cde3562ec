#!/usr/bin/env bash
# Renders the HTML report of an image and photographs it in headless
# Chromium, so a person can look at what a lab receives.
#   .ci/screenshot.sh [IMAGE] [OUT.png] [LANG]
# Needs Debian's chromium (and fonts-noto-cjk for --lang ja).
set -euo pipefail
cd "$(dirname "$0")/.."
img=${1:-samples/demo-router.bin}
png=${2:-/tmp/fwstar-report.png}
lang=${3:-en}
html=$(mktemp --suffix=.html)
trap 'rm -f "$html"' EXIT
go run ./cmd/fwstar scan "$img" --format html --lang "$lang" -o "$html" 2>/dev/null || true
test -s "$html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d)" --window-size=${WINDOW:-1280,2400} --screenshot="$png" "file://$html" 2>/dev/null
echo "$png"
