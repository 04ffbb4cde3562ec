#!/usr/bin/env bash
# The test command of README.md: vet, unit and corpus tests, then each fuzz
# target briefly. Corpus tests read ../shared/corpus (or $FWSTAR_CORPUS) and
# skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS=${GOFLAGS:-}
go vet ./...
go test -count=1 -timeout 40m ./...
