#!/usr/bin/env bash
# Runs shellcheck (Debian's shellcheck; make test-deps installs it) on every `run:` block of the given composite
# Actions: each block is written out as a bash script (Tests/Actions/extract-steps.py), as the runner does for
# `shell: bash`, and checked on its own.
set -euo pipefail
command -v shellcheck >/dev/null || { echo "shellcheck-steps: shellcheck is missing: make test-deps installs it" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/patrol-steps.XXXXXX")
trap 'rm -rf "$work"' EXIT
status=0
for action in "$@"; do
    rm -f "$work"/step-*.bash
    steps=$("$(dirname "$0")/extract-steps.py" "$action" "$work") || { status=1; continue; }
    if shellcheck --shell=bash --severity=style "$work"/step-*.bash; then
        echo "shellcheck-steps: $action: all $(wc -l <<<"$steps") run blocks pass shellcheck"
    else
        status=1
    fi
done
exit $status
