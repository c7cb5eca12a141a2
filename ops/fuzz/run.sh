#!/usr/bin/env bash
# Builds the libFuzzer targets of ops/fuzz/ and runs each for a bounded time.
#
#   ops/fuzz/run.sh [--seconds N] [--jobs 1|2] [--merge] [TARGET...]
#
# TARGET is case, xml, jsonschema or mapping; none means all. Each runs N seconds (default 60)
# over its corpus ops/fuzz/corpus/<target>/, which it only reads: inputs it finds go to a
# temporary directory, dropped at the end unless --merge folds them into the corpus (keeping
# the smallest set of files that covers what the corpus and the new inputs cover). --jobs runs
# that many targets at once (default 2, one per core of the CI machine).
#
# Exits non-zero when any target crashes, leaks, runs out of memory or takes over
# TIMEOUT_SECONDS on one input, after printing where the input was saved (under ops/fuzz/out/).
set -euo pipefail

fuzz=$(cd "$(dirname "$0")" && pwd)
all_targets=(case xml jsonschema mapping)
seconds=60
jobs=2
merge=false
targets=()
while (($#)); do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --merge) merge=true; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
        *)
            [[ " ${all_targets[*]} " == *" $1 "* ]] || { echo "run.sh: unknown target $1 (known: ${all_targets[*]})" >&2; exit 2; }
            targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=("${all_targets[@]}")

# One input taking longer than this is a hang. Inputs take about a millisecond under the
# sanitizers (the slowest seen in runs of minutes: well under a second).
TIMEOUT_SECONDS=${TIMEOUT_SECONDS:-1}
# Inputs are messages: the partners' longest examples are under 7 KB.
MAX_LEN=8192
RSS_LIMIT_MB=2048

echo "== building fuzz targets (release, fuzzer + address sanitizers)"
build_start=$SECONDS
# SwiftPM's --sanitize=fuzzer makes it link the executables for libFuzzer's `main`. It hands
# swiftc one -sanitize flag per sanitizer, and swiftc keeps only the last, so `--sanitize=address`
# beside it would sometimes drop the coverage; the -Xswiftc flag, which comes last, names both.
# It reaches every Swift module, the Tongban ones included.
swift build --package-path "$fuzz" --scratch-path "$fuzz/.build-fuzz" -c release \
    --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address
echo "== built in $((SECONDS - build_start)) s"
bin="$fuzz/.build-fuzz/release"

out="$fuzz/out/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
found=$(mktemp -d)
trap 'rm -rf "$found"' EXIT

# The Swift runtime's own crash handler gets in AddressSanitizer's way; ASan reports instead.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}

# fuzz TARGET: runs one target for $seconds, its log in $out/TARGET.log; exits as libFuzzer did.
fuzz() {
    local target=$1
    mkdir -p "$found/$target" "$out/$target"
    "$bin/fuzz-$target" "$found/$target" "$fuzz/corpus/$target" \
        -dict="$fuzz/dictionaries/$target.dict" \
        -max_total_time="$seconds" -timeout="$TIMEOUT_SECONDS" -rss_limit_mb="$RSS_LIMIT_MB" -max_len="$MAX_LEN" \
        -artifact_prefix="$out/$target/" -print_final_stats=1 >"$out/$target.log" 2>&1
}

# report TARGET STATUS: one line for a target that passed; the log's end and the saved input
# for one that failed.
report() {
    local target=$1 status=$2
    if ((status == 0)); then
        echo "== $target: ok, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$out/$target.log" | grep -o '[0-9]*$') inputs in ${seconds} s"
        return
    fi
    echo "== $target: FAILED (libFuzzer exit $status); end of $out/$target.log:"
    grep -v '^#[0-9]' "$out/$target.log" | tail -40 | sed 's/^/    /'
    local saved
    saved=$(grep -o "written to $out/$target/[^ ]*" "$out/$target.log" | cut -d' ' -f3 || true)
    if [[ -n $saved ]]; then
        echo "== $target: the input is saved at $saved"
        echo "   reproduce: SWIFT_BACKTRACE=enable=no $bin/fuzz-$target $saved"
    fi
}

failed=0
pending=("${targets[@]}")
declare -A running=()
while ((${#pending[@]} || ${#running[@]})); do
    while ((${#pending[@]})) && ((${#running[@]} < jobs)); do
        target=${pending[0]}
        pending=("${pending[@]:1}")
        echo "== $target: fuzzing for $seconds s"
        fuzz "$target" &
        running[$!]=$target
    done
    status=0
    wait -n -p finished "${!running[@]}" || status=$?
    report "${running[$finished]}" "$status"
    ((status == 0)) || failed=1
    unset "running[$finished]"
done

if $merge; then
    for target in "${targets[@]}"; do
        merged=$(mktemp -d -p "$found")
        "$bin/fuzz-$target" -merge=1 -max_len="$MAX_LEN" -timeout="$TIMEOUT_SECONDS" "$merged" \
            "$fuzz/corpus/$target" "$found/$target" >"$out/$target.merge.log" 2>&1 || true
        if [[ -z $(ls "$merged") ]]; then
            echo "== $target: the merge kept nothing, corpus left as it was; see $out/$target.merge.log"
            failed=1
            continue
        fi
        rm -rf "${fuzz:?}/corpus/$target"
        mv "$merged" "$fuzz/corpus/$target"
        chmod 755 "$fuzz/corpus/$target"
        echo "== $target: corpus now $(ls "$fuzz/corpus/$target" | wc -l) files, $(du -sb "$fuzz/corpus/$target" | cut -f1) bytes"
    done
fi

echo "== logs in $out"
exit $failed
