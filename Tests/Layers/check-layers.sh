#!/usr/bin/env bash
# The layers of Package.swift hold: (1) no library that holds patrol's logic depends on the GitHub simulator,
# directly or through another target; (2) no target of the patrol binary imports Foundation, only FoundationEssentials;
# (3) an upward import fails to compile — a copy of the package whose
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

# 2. The patrol binary links FoundationEssentials only: no source file of a target it is built from imports Foundation
# proper (or FoundationNetworking, FoundationXML, FoundationInternationalization), which would link all of Foundation
# and its ICU data statically into the release binary (50 MB, about 4 MiB more memory, a slower start;
# docs/architecture.md). The tests, the benchmark and LoopbackTLS are not in the binary and may import it.
import os, re
def closure(name, seen):
    for d in deps.get(name, ("", []))[1]:
        if d in deps and d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen
in_binary = sorted(n for n in closure("patrol", {"patrol"}) if deps[n][0] not in ("system", "plugin"))
folders = {t["name"]: t.get("path") or os.path.join("Sources", t["name"]) for t in package["targets"]}
proper = re.compile(r"^\s*(@\w+\s+)*((public|package|internal|private|fileprivate)\s+)?import\s+((struct|class|enum|protocol|typealias|func|var|let)\s+)?(Foundation|FoundationNetworking|FoundationXML|FoundationInternationalization)(\.\w+)?\s*(//.*)?$")
offenders = []
for name in in_binary:
    for root, _, files in os.walk(folders[name]):
        for file in sorted(files):
            if file.endswith(".swift"):
                path = os.path.join(root, file)
                for number, line in enumerate(open(path, encoding="utf-8"), 1):
                    if proper.match(line):
                        offenders.append(f"{path}:{number}: {line.strip()}")
if offenders:
    sys.exit("layers: the patrol binary must link FoundationEssentials only, but these files of its targets import Foundation:\n  "
             + "\n  ".join(offenders)
             + "\nwrite `import FoundationEssentials` instead (and `import Glibc` for C calls); for what it lacks, use PatrolSupport's"
             + " helpers (DetachedThread, JSONValue.parse, Hex, CFormat, PercentEncoding, TextEditing, FileBytes, PathText)")
print("layers: the " + str(len(in_binary)) + " targets of the patrol binary import FoundationEssentials, never Foundation: " + ", ".join(in_binary))
PY
rm -f "${TMPDIR:-/tmp}/patrol-layers-$$.json"

# 3. An upward import (HTTP → core) must fail to compile.
copy=$(mktemp -d "${TMPDIR:-/tmp}/patrol-layers.XXXXXX")
trap 'rm -rf "$copy"' EXIT
cp -R Package.swift Sources Tests "$copy/"
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
