#!/bin/sh
# Runs the gateway on the embedded SQLite store with the sample configuration
# (ops/config/tongban.yaml), and `tongban simulate` playing the three sample partners and the
# local system on 127.0.0.1:9100. Ctrl-C stops both.
set -eu
cd "$(dirname "$0")/.."
./ops/setup.sh
swift build --product tongban
bin="$(swift build --show-bin-path)/tongban"
# The sample seals records with a DEMO key published in the repository; a checkout leaves it
# readable by all, which the gateway warns about.
chmod 600 ops/config/demo-storage.key
"$bin" simulate --step 5s --hub-poll 10s &
simulator=$!
trap 'kill "$simulator" 2>/dev/null || true' EXIT INT TERM
"$bin" serve --config ops/config/tongban.yaml
