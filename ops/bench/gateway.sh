#!/usr/bin/env bash
# Gateway benchmark: intake (wrk POST /v1/cases, durable) against the HTTP ceiling (wrk GET
# /health/live) on the same server, then a 100,000-case backlog drained to the simulator with
# the gateway's memory sampled. Prints medians, ratios and PASS/FAIL per target (issue 3 §8).
# Usage: ops/bench/gateway.sh [--rounds R] [--duration S] [--backlog N] [--no-drain] [--no-build | --tongban PATH] [--keep]
# See ops/bench/README.md. Writes only under ops/bench/out/ (gitignored), besides building tongban.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v python3 >/dev/null || { echo "gateway.sh: python3 is required" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  # Like ops/setup.sh: Debian's package, sudo only when not root.
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "gateway.sh: installing wrk" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
fi
export PYTHONDONTWRITEBYTECODE=1
exec python3 "$here/gateway.py" "$@"
