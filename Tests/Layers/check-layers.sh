#!/usr/bin/env bash
# The layers of Package.swift hold: (1) no library that holds patrol's logic depends on the GitHub simulator,
# directly or through another target; (2) an upward import fails to compile — a copy of the package whose
# PatrolHTTP imports PatrolCore must not build (only that target is built, in a scratch folder of its own).
set -euo pipefail
SWIFT=${SWIFT:-swift}
cd "$(dirname "$0")/../.."

# 1. Who reaches GitHubSimulator, from the package's own description.
"$SWIFT" package dump-package > "${TMPDIR:-/tmp}/patrol-layers-$$.json"
python3 - "${TMPDIR:-/tmp}/patrol-layers-$$.json" <<'PY'
import json, sys
package = json.load(open(sys.argv[1]))
deps = {}
for target in package["targets"]:
    names = []
    for dep in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.append(dep[kind][0])
    deps[target["name"]] = (target["type"], names)
def reaches(name, double, seen=()):
    return any(d == double or (d not in seen and reaches(d, double, seen + (d,))) for d in deps.get(name, ("", []))[1])
# The test doubles, and who besides the tests may reach each: the simulator (the demo and the benchmark), the TLS front
# (the benchmark only).
for double, allowed in (("GitHubSimulator", {"PatrolDemo", "patrol", "patrol-bench"}), ("LoopbackTLS", {"patrol-bench"})):
    wrong = sorted(n for n, (kind, _) in deps.items() if kind != "test" and n not in allowed and n != double and reaches(n, double))
    if wrong:
        sys.exit("layers: these targets reach " + double + " and must not: " + ", ".join(wrong))
    print("layers: only " + ", ".join(sorted(allowed)) + " and the tests reach " + double)
PY
rm -f "${TMPDIR:-/tmp}/patrol-layers-$$.json"

# 2. An upward import (HTTP → core) must fail to compile.
copy=$(mktemp -d "${TMPDIR:-/tmp}/patrol-layers.XXXXXX")
trap 'rm -rf "$copy"' EXIT
cp -R Package.swift Plugins Sources Tests "$copy/"
file="$copy/Sources/PatrolHTTP/HTTPMessage.swift"
{ echo "import PatrolCore"; cat "$file"; } > "$file.new" && mv "$file.new" "$file"
if "$SWIFT" build --package-path "$copy" --target PatrolHTTP > "$copy/build.log" 2>&1; then
    echo "layers: PatrolHTTP built with 'import PatrolCore': the layering is not enforced" >&2
    exit 1
fi
if ! grep -q "no such module 'PatrolCore'" "$copy/build.log"; then
    echo "layers: the build with an upward import failed, but not for the import:" >&2
    tail -20 "$copy/build.log" >&2
    exit 1
fi
echo "layers: an upward import (PatrolHTTP importing PatrolCore) fails to compile: no such module 'PatrolCore'"
