#!/usr/bin/env bash
# The test command of README.md: vet, all unit, fixture and corpus tests, then
# every fuzz target briefly. Corpus tests read ../shared/corpus (or
# $FWSTAR_CORPUS) and skip when it is absent. FUZZTIME=0 skips the fuzz pass.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-4s}

go vet ./...
go test -count=1 -timeout 45m ./...

# The batch queue against a real PostgreSQL server (two workers, one killed
# mid-job); it installs and starts the server itself, so it needs root.
if [ "$(id -u)" = 0 ] && [ "${FWSTAR_SKIP_PG:-}" = "" ]; then
  bash .ci/pg-test.sh
fi

if [ "$fuzztime" != 0 ]; then
  # One target per call: go test -fuzz accepts a single target.
  n=0
  while IFS=: read -r file name; do
    pkg=./$(dirname "$file")
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 0 "$pkg" >/tmp/fwstar-fuzz.log 2>&1 || {
      cat /tmp/fwstar-fuzz.log; echo "fuzz target $name in $pkg failed"; exit 1; }
    n=$((n+1))
  done < <(grep -rHo --include='*_test.go' -E '^func (Fuzz[A-Za-z0-9_]+)' . | sed -E 's/:func /:/' | sort -u)
  echo "fuzz: $n targets ran for $fuzztime each, no crash"
fi
