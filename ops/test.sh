#!/usr/bin/env bash
# Every test: the system packages (ops/setup.sh), the package's test suite (`swift test`: unit,
# router, live, end-to-end, browser, promtool) with every log line of every test process kept,
# at trace level, and then searched for personal data (ops/privacy/scan-logs.py); schemathesis
# against docs/openapi.yaml and a live gateway for 180 seconds (ops/schemathesis/run.sh: any 5xx
# or answer the document does not describe fails the run); then each libFuzzer target for 60
# seconds over its corpus (ops/fuzz/run.sh; a crash fails the run and says where the input was
# saved).
# The README's test command and .ci/run both call this.
set -euo pipefail
cd "$(dirname "$0")/.."
./ops/setup.sh
logs=$(mktemp -d -t tongban-test-logs.XXXXXX)
TONGBAN_TEST_LOG_DIR="$logs" swift test
./ops/privacy/scan-logs.py --self-test
./ops/privacy/scan-logs.py "$logs"
rm -rf "$logs"
./ops/schemathesis/run.sh --max-time "${TONGBAN_SCHEMATHESIS_SECONDS:-180}"
./ops/fuzz/run.sh --seconds "${TONGBAN_FUZZ_SECONDS:-60}"
