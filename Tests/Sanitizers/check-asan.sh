#!/usr/bin/env bash
# Fails when an AddressSanitizer log holds any report at all.
#
# `make sanitize-address` builds with -sanitize-recover=address so that one run lists every report rather than
# stopping at the first; this script then fails the target on any of them. (It once accepted one toolchain bug,
# Foundation's Process.run overrunning a heap buffer in findMaximumOpenFromProcSelfFD; the tests, LoopbackTLS and
# patrol-bench now start children through Sources/Spawn with posix_spawn, so nothing is accepted.)
set -euo pipefail
log=$1
total=$(grep -c '^SUMMARY: AddressSanitizer' "$log" || true)
echo "AddressSanitizer: $total report(s)"
if [ "$total" -ne 0 ]; then
  grep '^SUMMARY: AddressSanitizer' "$log"
  exit 1
fi
