#!/usr/bin/env bash
# What encryption at rest adds to storing an accepted case: builds ops/bench/seal (release) and
# runs it; see docs/performance.md, "Encryption at rest". Arguments go to seal-bench
# (--writes N, --rounds N, --directory DIR).
set -euo pipefail
cd "$(dirname "$0")/seal"
swift build -c release --product seal-bench
"$(swift build -c release --show-bin-path)/seal-bench" "$@"
