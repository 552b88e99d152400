#!/usr/bin/env bash
# Scans every file under the folders given for the marker that test tokens carry (TestTokens.marker) and
# fails when any holds it. Files ending in .token-input hold a token on purpose (token-file inputs) and are skipped.
# Usage: scan.sh FOLDER...    Environment: MARKER (default PATROLMARK).
set -euo pipefail
marker="${MARKER:-PATROLMARK}"
[ "$#" -gt 0 ] || { echo "usage: $0 FOLDER..." >&2; exit 2; }
files=0 bytes=0 hits=()
while IFS= read -r -d '' file; do
    files=$((files + 1))
    bytes=$((bytes + $(stat -c %s "$file")))
    if grep -qaF -- "$marker" "$file"; then hits+=("$file"); fi
done < <(find "$@" -type f ! -name '*.token-input' -print0)
skipped=$(find "$@" -type f -name '*.token-input' | wc -l)
echo "hygiene scan: $files files, $bytes bytes scanned for the test-token marker ($skipped deliberate token inputs skipped): ${#hits[@]} hits"
if [ "${#hits[@]}" -gt 0 ]; then
    printf 'hygiene scan: a test token leaked into %s\n' "${hits[@]}" >&2
    exit 1
fi
