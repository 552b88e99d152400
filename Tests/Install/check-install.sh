#!/usr/bin/env bash
# make install-check (part of make test): installs patrol into a temporary DESTDIR and checks every installed path,
# uninstalls it and checks nothing is left; builds the .deb and checks its contents and Depends; as root (CI), installs
# it with dpkg -i, runs patrol --version and patrol demo from /usr/bin, removes it with dpkg -r and checks nothing is
# left. The release binary is built once (make release) and reused by install and deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAKE=${MAKE:-make}
failures=0
pass() { echo "install-check: ok: $*  (${SECONDS}s)"; }
fail() { echo "install-check: FAILED: $*" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/patrol-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
prefix=/usr/local
root="$stage$prefix"

# 1. make install into a DESTDIR.
mkdir -p "$root/bin" && echo keep > "$root/bin/other-tool"   # someone else's file: uninstall must leave it
"$MAKE" --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "make install"; exit 1; }
# The pages expected: patrol(1) and one per command help lists (a command's row starts two spaces in), but help.
pages=(patrol $(.build/release/patrol help | sed -n '/^COMMANDS:/,/^$/p' | awk '/^  [a-z]/ && $1 != "help" {print "patrol-" $1}'))
expected=("bin/patrol" "share/bash-completion/completions/patrol" "share/zsh/site-functions/_patrol"
          "share/fish/vendor_completions.d/patrol.fish")
for page in "${pages[@]}"; do expected+=("share/man/man1/$page.1"); done
for path in "${expected[@]}"; do check "installed $prefix/$path" test -s "$root/$path"; done
installed=$(cd "$root" && find . -type f ! -path ./bin/other-tool | sed 's#^\./##' | sort)
check "make install put nothing else" test "$installed" = "$(printf '%s\n' "${expected[@]}" | sort)"
check "bin/patrol is executable (mode 755)" test "$(stat -c %a "$root/bin/patrol")" = 755
check "bin/patrol --version names a version and a commit" \
    grep -Eq '^patrol [0-9]+\.[0-9]+\.[0-9]+ \(([0-9a-f]{7}(-dirty)?|commit unknown)\)$' <("$root/bin/patrol" --version)
check "bin/patrol is the release binary make release built" cmp "$root/bin/patrol" .build/release/patrol
check "bin/patrol links no Swift runtime library (static)" bash -c "! ldd '$root/bin/patrol' | grep -q libswift"
check "bin/patrol links libcurl and libsodium" bash -c "ldd '$root/bin/patrol' | grep -q libcurl && ldd '$root/bin/patrol' | grep -q libsodium"
for page in "${pages[@]}"; do
    check "man page $page.1 lint-clean (mandoc -Tlint)" bash -c "out=\$(mandoc -Tlint '$root/share/man/man1/$page.1' 2>&1) && [ -z \"\$out\" ]"
done
check "man finds patrol(1) under the prefix (MANPATH)" bash -c "MANPATH='$root/share/man' man -w patrol | grep -q '$root/share/man/man1/patrol.1'"
check "man -l shows patrol-rollout(1) with its options" bash -c "MANPAGER=cat man -l '$root/share/man/man1/patrol-rollout.1' | grep -q -- --concurrency"
check "bash loads the installed completion (complete -p patrol)" \
    bash --norc -c "source '$root/share/bash-completion/completions/patrol' && complete -p patrol | grep -q _patrol"
check "bash completes 'patrol rollout --con' from the installed file" bash --norc -c "
    source '$root/share/bash-completion/completions/patrol'; COMP_WORDS=(patrol rollout --con); COMP_CWORD=2; _patrol
    [ \"\${COMPREPLY[*]}\" = '--concurrency --config' ]"
check "zsh finds _patrol on fpath (autoload, #compdef)" zsh -f -c "
    fpath=('$root/share/zsh/site-functions' \$fpath); autoload -Uz compinit; compinit -u -D; [[ \${_comps[patrol]} == _patrol ]]"
check "fish completes 'patrol ro' from vendor_completions.d" bash -c "
    fish --no-config -c \"source '$root/share/fish/vendor_completions.d/patrol.fish'; complete -C 'patrol rol'\" | grep -q '^rollout'"

# 2. make uninstall removes exactly what install put.
"$MAKE" --no-print-directory uninstall DESTDIR="$stage" PREFIX="$prefix" >"$work/uninstall.log" 2>&1 || fail "make uninstall"
left=$(cd "$root" && find . -type f | sed 's#^\./##')
check "make uninstall leaves no file of patrol's, and someone else's file stays" test "$left" = "bin/other-tool"

# 3. make deb.
# gzip rather than xz: the same package, packed in a quarter of the time.
"$MAKE" --no-print-directory deb DEB_COMPRESS=gzip >"$work/deb.log" 2>&1 || { cat "$work/deb.log" >&2; fail "make deb"; exit 1; }
version=$(sed -n 's/.*current = "\(.*\)"/\1/p' Sources/PatrolSupport/PatrolVersion.swift)
deb=".build/patrol_${version}_$(dpkg --print-architecture).deb"
check "make deb built $deb" test -s "$deb"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's#^\./#/#')
for path in /usr/bin/patrol /usr/share/bash-completion/completions/patrol /usr/share/zsh/site-functions/_patrol \
            /usr/share/fish/vendor_completions.d/patrol.fish; do
    check "the .deb holds $path" grep -qx "$path" <<<"$contents"
done
for page in "${pages[@]}"; do check "the .deb holds /usr/share/man/man1/$page.1.gz" grep -qx "/usr/share/man/man1/$page.1.gz" <<<"$contents"; done
depends=$(dpkg-deb -f "$deb" Depends)
echo "install-check: Depends: $depends"
# Each library the binary links (NEEDED) belongs to a package that Depends names.
dpkg-deb -x "$deb" "$work/deb"
for library in $(objdump -p "$work/deb/usr/bin/patrol" | awk '/NEEDED/ {print $2}'); do
    # awk reads to the end (no exit): an early exit would kill ldconfig with SIGPIPE, and pipefail would end the script.
    path=$(ldconfig -p | awk -v lib="$library" '!found && $1 == lib && /x86-64|AArch64|64bit/ {print $NF; found = 1}')
    owner=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 {print $1}') || owner=
    [ -n "$owner" ] || owner=$(dpkg -S "$path" 2>/dev/null | awk -F: 'NR == 1 {print $1}')
    check "Depends names $owner, which ships $library (NEEDED)" grep -qxF "$owner" <(tr ',' '\n' <<<"$depends" | awk '{print $1}')
done

# 4. dpkg -i, run from /usr/bin, dpkg -r: needs root.
if [ "$(id -u)" != 0 ]; then
    echo "install-check: SKIPPED dpkg -i / dpkg -r: they need root (CI runs make test as root); run: sudo dpkg -i $deb"
elif dpkg -s patrol >/dev/null 2>&1; then
    fail "a patrol package is installed already; remove it (dpkg -r patrol) so the test can install and remove its own"
else
    check "dpkg -i $deb" dpkg -i "$deb"
    check "/usr/bin/patrol --version" grep -q "^patrol $version " <(/usr/bin/patrol --version)
    check "/usr/bin/patrol demo passes" bash -c "cd '$work' && HOME='$work' /usr/bin/patrol demo --latency-ms 0 --quiet"
    check "man patrol finds the packaged page" bash -c "man -w patrol | grep -q /usr/share/man/man1/patrol.1.gz"
    check "dpkg -r patrol" dpkg -r patrol
    remaining=$(for path in $contents; do [ -f "$path" ] && echo "$path"; done || true)
    check "dpkg -r left none of the package's files" test -z "$remaining"
    check "dpkg no longer lists patrol as installed" bash -c "! dpkg -s patrol 2>/dev/null | grep -q '^Status: install ok installed'"
fi

# 5. The composite Action's steps (config/actions/patrol), run in order as the runner runs them, with its env: the
# key names this commit, the build step leaves the binary where the cache keeps it, and the run step runs patrol demo.
steps="$work/steps"
mkdir -p "$steps" "$work/home"
Tests/Actions/extract-steps.py config/actions/patrol/action.yml "$steps" >/dev/null
: > "$work/github-output"
check "Action step 1 (source and key) runs" env -i PATH="$PATH" HOME="$work/home" GITHUB_OUTPUT="$work/github-output" \
    ACTION_PATH="$PWD/config/actions/patrol" bash -e "$steps/step-1.bash"
output() { sed -n "s/^$1=//p" "$work/github-output"; }
check "Action: the source is this checkout" test "$(output dir)" = "$PWD"
check "Action: the cache key names this commit" grep -q -- "-$(git rev-parse HEAD)\$" <<<"$(output key)"
check "Action step 2 (dependencies, present: no apt-get)" env -i PATH="$PATH" bash -e "$steps/step-2.bash"
check "Action step 3 (build) leaves the release binary in the cached folder" bash -c "
    env -i PATH='$PATH' HOME='$work/home' SOURCE_DIR='$(output dir)' BIN_DIR='$(output bin)' bash -e '$steps/step-3.bash' \
    && cmp '$(output bin)/patrol' .build/release/patrol"
check "Action step 4 runs patrol demo with args from the input" env -i PATH="$PATH" HOME="$work/home" \
    BIN_DIR="$(output bin)" PATROL_COMMAND=demo PATROL_ARGS="--latency-ms 0 --quiet" bash -e "$steps/step-4.bash"

if [ "$failures" -gt 0 ]; then
    echo "install-check: $failures check(s) failed" >&2
    exit 1
fi
echo "install-check: every check passed"
