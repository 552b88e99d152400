#!/usr/bin/env bash
# Usage: Tests/Watchdog/deadline.sh SECONDS COMMAND [ARG...]
#
# Runs COMMAND (a test run) and passes its exit status through. If it is still running after SECONDS, a test
# has hung: every thread's stack of COMMAND and of every process under it is printed (with gdb, when the
# machine has it), they are all killed, and the exit status is 124. A hung test then fails the run in minutes
# with the stacks that name it, instead of running out CI's clock with nothing to show.
set -uo pipefail
seconds=$1
shift

"$@" &
pid=$!

# Every process under $1, deepest first.
descendants() {
    local child
    for child in $(pgrep -P "$1"); do
        descendants "$child"
        echo "$child"
    done
}

waited=0
while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge "$seconds" ]; then
        echo "deadline.sh: still running after $seconds s, so a test has hung: $*" >&2
        processes="$(descendants "$pid") $pid"
        for process in $processes; do
            echo "deadline.sh: === pid $process: $(tr '\0' ' ' < "/proc/$process/cmdline" 2>/dev/null)" >&2
            if command -v gdb >/dev/null 2>&1; then
                timeout 60 gdb -p "$process" -batch -ex "thread apply all bt" 2>&1 | grep -E '^(Thread|#)' >&2
            fi
        done
        kill -9 $processes 2>/dev/null
        wait "$pid" 2>/dev/null
        exit 124
    fi
    sleep 1
    waited=$((waited + 1))
done
wait "$pid"
