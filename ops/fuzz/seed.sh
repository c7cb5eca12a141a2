#!/usr/bin/env bash
# Writes the seed corpora and the dictionaries under ops/fuzz/ from the repository's contract
# examples and schemas. Run it when contracts or schemas change, then `ops/fuzz/run.sh --seconds 10
# --merge` to keep only the files that add coverage (the committed corpora are that set, about
# 350 KB, plus the inputs that once crashed a target); commit what changed.
# Files are named by the SHA-1 of their content, as libFuzzer names the inputs it adds.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$fuzz/../.." && pwd)
cd "$repo"

# seed TARGET FILE...: copies each file into corpus/TARGET under its content's SHA-1.
seed() {
    local target=$1; shift
    mkdir -p "$fuzz/corpus/$target"
    for file in "$@"; do
        cp "$file" "$fuzz/corpus/$target/$(sha1sum "$file" | cut -c1-40)"
    done
}

shopt -s nullglob
local_messages=(contracts/*/examples/outbound-*/*/input.json contracts/henan-tongbai/sample-local-case.json)
xml_messages=(contracts/*/examples/inbound-*/*/input.xml contracts/*/examples/outbound-*/*/expected.xml contracts/henan-tongbai/*.xml)
json_messages=(contracts/*/examples/inbound-*/*/input.json contracts/*/examples/outbound-*/*/expected.json)

seed case "${local_messages[@]}"
seed xml "${xml_messages[@]}"
seed jsonschema "${json_messages[@]}"
seed mapping "${local_messages[@]}" "${xml_messages[@]}" "${json_messages[@]}"

# dict NAME...: a libFuzzer dictionary, one quoted token a line.
dict() { sort -u | sed 's/\\/\\\\/g; s/"/\\"/g; s/.*/"&"/'; }

json_tokens() {
    printf '%s\n' '{' '}' '[' ']' ':' ',' 'null' 'true' 'false' '-0' '1e308' '1e999' '0.5' '\u0000' '\ud800' '\udc00' '\"'
}
# Member names and enumerated values of the canonical case and status, read from the sources.
case_tokens() {
    grep -ho '"[A-Za-z][A-Za-z0-9]*"' Sources/TongbanCore/Case/*.swift Sources/TongbanCore/Status/*.swift | tr -d '"'
    printf '%s\n' 2026-11-20T09:30:00+08:00 421321 411330 420683 429001198503120020 11421321MB1834560Y
}
schema_tokens() {
    grep -ho '"[A-Za-z][A-Za-z0-9_]*"' contracts/*/*.schema.json | tr -d '"'
}
xml_tokens() {
    printf '%s\n' '<?xml version="1.0" encoding="GB18030"?>' '<?xml version="1.0" encoding="UTF-8"?>' \
        'xmlns="urn:ha:zwfw:kstb:2"' '<!DOCTYPE' '<![CDATA[' ']]>' '&amp;' '&#x10FFFF;' '</' '/>' '="'
    grep -o 'name="[A-Za-z][A-Za-z0-9]*"' contracts/henan-tongbai/kstb-2.1.xsd | cut -d'"' -f2 | sed 's/.*/<&>/'
}

{ json_tokens; case_tokens; } | dict > "$fuzz/dictionaries/case.dict"
xml_tokens | dict > "$fuzz/dictionaries/xml.dict"
{ json_tokens; schema_tokens; } | dict > "$fuzz/dictionaries/jsonschema.dict"
{ json_tokens; case_tokens; schema_tokens; xml_tokens; } | dict > "$fuzz/dictionaries/mapping.dict"
