#!/usr/bin/env bash
# Runs schemathesis against docs/openapi.yaml and a live gateway: no 5xx, and every answer
# conforms to the document (status code, content type, headers, body schema), with each
# operation called as the principal its `security` names.
#
#   ops/schemathesis/run.sh [--max-time SECONDS] [-- SCHEMATHESIS-ARGS...]
#
# Installs schemathesis (pinned) into .tongban/schemathesis once; builds `tongban`; starts
# `tongban serve` on a free loopback port with the sample configuration, its data in a
# temporary directory and every partner address pointing nowhere (deliveries fail and are
# retried, which the views then show); submits one case; logs in to the console; then runs
# every phase for at most --max-time seconds (default 180). Exits non-zero on any failure;
# the gateway's log is printed then. See ops/schemathesis/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=4.32.5
max_time=180
while (($#)); do
    case $1 in
        --max-time) max_time=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

venv=.tongban/schemathesis
if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null)" != *" $version" ]]; then
    # Any Python 3 that can make a virtualenv with pip: pyenv's, or Debian's with python3-venv
    # (ops/setup.sh installs it), whichever comes first in PATH.
    python=""
    for candidate in python3 /usr/bin/python3; do
        if "$candidate" -c 'import venv, ensurepip' 2>/dev/null; then python=$candidate; break; fi
    done
    [[ -n $python ]] || { echo "run.sh: no python3 with venv and ensurepip (ops/setup.sh installs python3-venv)" >&2; exit 2; }
    echo "== installing schemathesis $version into $venv ($("$python" --version))"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

swift build --product tongban
bin="$(swift build --show-bin-path)/tongban"

work=$(mktemp -d)
gateway=""
stop() {
    if [[ -n $gateway ]]; then kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap stop EXIT
port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
# Port 9 (discard) on loopback: nothing listens, every delivery fails fast and is retried.
# No rate limits for the windows, the operators and the partners schemathesis plays, and no
# lock on its one address for failing authentication (which it does on purpose, thousands of
# times): a 429 is documented, but answered in place of the real answer it would hide most of
# what is tested, the 401s included.
unlimited="rateLimit: {requestsPerSecond: 0}"
sed -e "s|^  port: 8080$|  port: $port\\n  failedAuthentication: {failures: 0}|" \
    -e "s|^dataDirectory: .*|dataDirectory: $work/data|" \
    -e "s|http://127.0.0.1:9100|http://127.0.0.1:9|g" \
    -e "s|^  minFreeSpace: .*|  minFreeSpace: 1MiB|" \
    -e "s|^  # rateLimit: .*|  $unlimited|" \
    -e "s|^    role: \(.*\)|    role: \1\\n    $unlimited|" \
    -e "s#^    protocol: \(kstb\|hub\)\$#    protocol: \1\\n    $unlimited#" \
    ops/config/tongban.yaml > "$work/tongban.yaml"
grep -q "port: $port" "$work/tongban.yaml" || { echo "run.sh: ops/config/tongban.yaml no longer has 'port: 8080' under listen" >&2; exit 2; }
[ "$(grep -c "$unlimited" "$work/tongban.yaml")" -eq 5 ] || { echo "run.sh: ops/config/tongban.yaml no longer has the lines this script lifts the rate limits on" >&2; exit 2; }

"$bin" serve --config "$work/tongban.yaml" > "$work/gateway.log" 2>&1 &
gateway=$!
for _ in $(seq 1 100); do
    curl -sf "$base/health/ready" > /dev/null && break
    kill -0 "$gateway" 2>/dev/null || { cat "$work/gateway.log"; echo "run.sh: the gateway stopped" >&2; exit 1; }
    sleep 0.2
done
curl -sf "$base/health/ready" > /dev/null || { cat "$work/gateway.log"; echo "run.sh: the gateway is not ready" >&2; exit 1; }

# The demo credentials of ops/config/tongban.yaml.
export TONGBAN_API_KEY=demo-window-key-suixian TONGBAN_OPERATOR_TOKEN=demo-operator-token TONGBAN_HUB_TOKEN=demo-hub-token-1

accepted=$(curl -sf -X POST "$base/v1/cases" -H "Authorization: Bearer $TONGBAN_API_KEY" -H 'Content-Type: application/json' \
    --data @contracts/henan-tongbai/sample-local-case.json)
TONGBAN_CASE_ID=$(jq -r .id <<< "$accepted")
TONGBAN_TRANSFER_ID=$(curl -sf "$base/v1/cases/$TONGBAN_CASE_ID" -H "Authorization: Bearer $TONGBAN_API_KEY" | jq -r '.transfers[0].id')
export TONGBAN_CASE_ID TONGBAN_TRANSFER_ID

# A console session, as a browser gets one: the login form's token, then the password.
jar="$work/cookies"
token=$(curl -sf -c "$jar" "$base/console/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -sf -b "$jar" -c "$jar" -o /dev/null "$base/console/login" \
    --data-urlencode "csrf=$token" --data-urlencode name=duty --data-urlencode password=demo-operator-password
TONGBAN_CONSOLE_SESSION=$(awk '$6 == "tongban_console" { print $7 }' "$jar")
TONGBAN_CONSOLE_CSRF=$(curl -sf -b "$jar" "$base/console" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
[[ -n $TONGBAN_CONSOLE_SESSION && -n $TONGBAN_CONSOLE_CSRF ]] || { echo "run.sh: could not log in to the console" >&2; exit 1; }
export TONGBAN_CONSOLE_SESSION TONGBAN_CONSOLE_CSRF

# Checks: the answers' conformance, server errors, and that auth is not ignored. Left out, with
# their reasons in the README: positive_data_acceptance and negative_data_rejection (the
# document gives shapes; the rules are the gateway's, and KSTB answers every POST with 200),
# unsupported_method and allow_header_conformance (an undeclared method is a 404).
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
checks+=,missing_required_header,ignored_auth,use_after_free,ensure_resource_availability
status=0
"$venv/bin/schemathesis" --config-file ops/schemathesis/schemathesis.toml run docs/openapi.yaml --url "$base" \
    --checks "$checks" --max-time "$max_time" --exclude-path-regex '/api/v1/apas/' --exclude-path /console/logout \
    --no-color "$@" || status=$?
if ((status != 0)); then
    echo "== gateway log (last 100 lines)"
    tail -n 100 "$work/gateway.log"
fi
exit "$status"
