#!/usr/bin/env bash
# Translation benchmark: tongban translate vs a jq baseline, JSON vs XML path, memory flatness.
# Usage: ops/bench/translate.sh [--cases N] [--runs R] [--small N] [--no-build | --tongban PATH] [--jq-only]
# See ops/bench/README.md. Writes only under ops/bench/out/ (gitignored), besides building tongban.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v python3 >/dev/null || { echo "translate.sh: python3 is required" >&2; exit 1; }
command -v jq >/dev/null || { echo "translate.sh: jq is required (ops/setup.sh installs it)" >&2; exit 1; }
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/bench.py" "$@"
