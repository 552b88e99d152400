#!/bin/sh
# Builds the libFuzzer driver (the library targets' sources + Tests/Fuzz/*.swift, one swiftc invocation, ASan) and runs each
# target for a fixed number of iterations from the seed corpus in Tests/Fuzz/Corpus/<target>. New inputs the fuzzer
# finds go to .build/fuzz/corpus/<target>; a crash leaves .build/fuzz/<target>-crash-* and stops with exit 1.
# FUZZ_SCALE multiplies every target's iterations (default 1). With --typecheck, only checks that the driver compiles.
set -eu
cd "$(dirname "$0")/../.."
SWIFTC="${SWIFTC:-swiftc}"
SCALE="${FUZZ_SCALE:-1}"
OUT=.build/fuzz
mkdir -p "$OUT"

# The library targets below the demo, compiled as one module: a copy of each file without its imports of the
# other patrol targets. Patrol.swift is left out (PatrolVersion.swift stands in); PatrolDemo reaches the simulator.
rm -rf "$OUT/src" && mkdir -p "$OUT/src"
for target in PatrolSupport PatrolSecrets PatrolHTTP PatrolGitHub PatrolCore PatrolCLI; do
    find "Sources/$target" -name '*.swift' ! -name Patrol.swift | while read -r file; do
        sed -E '/^import Patrol(Support|Secrets|HTTP|GitHub|Core|CLI)$/d' "$file" > "$OUT/src/$target-$(basename "$file")"
    done
done
SOURCES=$(find "$OUT/src" -name '*.swift' | sort)
INCLUDES="-I Sources/CSodium -I Sources/CCurl -I Sources/CCrypto"
if [ "${1:-}" = "--typecheck" ]; then
    # make test's check that this one-module build still compiles (about 45 s), without building or running it.
    echo "fuzz: type-checking the driver's sources"
    # shellcheck disable=SC2086
    "$SWIFTC" -typecheck -suppress-warnings -parse-as-library -module-name PatrolCore -package-name patrol $INCLUDES $SOURCES Tests/Fuzz/*.swift
    exit 0
fi
echo "fuzz: building $OUT/patrol-fuzz"
# shellcheck disable=SC2086
"$SWIFTC" -O -g -suppress-warnings -sanitize=fuzzer,address -parse-as-library -module-name PatrolCore -package-name patrol \
    $INCLUDES $SOURCES Tests/Fuzz/*.swift -lsodium -lcurl -lcrypto -o "$OUT/patrol-fuzz"

# target  iterations  max_len — chosen so the four take about four minutes on two cores.
total=0
for spec in "config 200000 4096" "token 200000 1024" "workflow 100000 4096" "headers 40000 1024"; do
    set -- $spec
    runs=$(( $2 * SCALE ))
    mkdir -p "$OUT/corpus/$1"
    echo "fuzz: $1 for $runs iterations (max_len $3)"
    PATROL_FUZZ_TARGET="$1" "$OUT/patrol-fuzz" -runs="$runs" -max_len="$3" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$OUT/$1-" "$OUT/corpus/$1" "Tests/Fuzz/Corpus/$1" 2>"$OUT/$1.log" \
        || { tail -40 "$OUT/$1.log"; echo "fuzz: $1 FOUND A PROBLEM; the input is in $OUT/$1-*"; exit 1; }
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$OUT/$1.log" | sed "s/^/fuzz: $1: /"
    total=$(( total + runs ))
done
echo "fuzz: $total iterations over 4 targets, no crash, no sanitizer report, no timeout"
