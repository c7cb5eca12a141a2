#!/usr/bin/env bash
# Installs the system packages Tongban builds and tests against, on a fresh Debian machine
# (openssl and python3 make and serve the certificates of the mutual TLS tests; python3-venv and
# curl let ops/schemathesis/run.sh install schemathesis and talk to the gateway; prometheus ships
# promtool, which checks and tests ops/prometheus/alerts.yaml; chromium is the headless browser the
# console test drives, and fonts-wqy-microhei lets its screenshots show the Chinese text).
# Idempotent: does nothing when everything is present. Uses sudo only when not root.
set -euo pipefail
packages=(libxml2-dev libcurl4-openssl-dev libsqlite3-dev pkg-config jq wrk openssl python3 python3-venv curl prometheus chromium fonts-wqy-microhei)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "ops/setup.sh: installing ${missing[*]}" >&2
$sudo apt-get update -qq
# No recommends: prometheus would bring prometheus-node-exporter, a second service, for nothing.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
