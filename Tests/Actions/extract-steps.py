#!/usr/bin/env python3
"""Writes each `run: |` block of a composite Action to OUT/step-N.bash, as the runner runs it with `shell: bash`,
and prints `N<TAB>step name` per block. Refuses a block that expands ${{ }} (an injection: values go through env:)."""
import re
import sys

path, out = sys.argv[1], sys.argv[2]
lines = open(path).read().split("\n")
count, name, i = 0, "", 0
while i < len(lines):
    named = re.match(r"^\s*- name: (.*)$", lines[i])
    if named:
        name = named.group(1)
    match = re.match(r"^(\s*)(?:- )?run: \|\s*$", lines[i])
    if not match:
        i += 1
        continue
    indent = len(match.group(1))
    block = []
    i += 1
    while i < len(lines) and (lines[i].strip() == "" or len(lines[i]) - len(lines[i].lstrip()) > indent):
        block.append(lines[i])
        i += 1
    body = [line for line in block if line.strip()]
    cut = min(len(line) - len(line.lstrip()) for line in body) if body else 0
    count += 1
    if "${{" in "\n".join(block):
        sys.exit(f"{path}: the run block of '{name}' expands ${{{{ }}}}; pass the value through env: instead")
    with open(f"{out}/step-{count}.bash", "w") as f:
        f.write("#!/usr/bin/env bash\n" + "\n".join(line[cut:] for line in block).rstrip() + "\n")
    print(f"{count}\t{name}")
if count == 0:
    sys.exit(f"{path}: no run: | blocks found")
