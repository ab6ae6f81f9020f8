#!/usr/bin/env python3
"""Turns README.md's walkthrough into a bash script that checks it.

The walkthrough is every ```sh block between the markers
`<!-- walkthrough -->` and `<!-- /walkthrough -->`. In a block, lines that start
with `# => ` show what the commands above them print (up to the previous shown
output or blank line): the script runs those commands in one shell, so variables carry over,
and fails, naming the README line, when what they print differs. Commands with
no `# => ` lines after them must only succeed.

Usage: readme_walkthrough.py README.md > walkthrough.sh
"""
import re
import shlex
import sys


def blocks(lines):
    """(first line number, lines) of each walkthrough block."""
    inside = False
    block = None
    for number, line in enumerate(lines, 1):
        if line.strip() == "<!-- walkthrough -->":
            inside = True
        elif line.strip() == "<!-- /walkthrough -->":
            inside = False
        elif inside and block is None and line.startswith("```sh"):
            block = (number + 1, [])
        elif block is not None and line.startswith("```"):
            yield block
            block = None
        elif block is not None:
            block[1].append(line)


def segments(start, lines):
    """(README line of the first command, commands, expected output lines)."""
    code, expected, first = [], [], None
    for offset, line in enumerate(lines):
        if line.startswith("# => ") or line == "# =>":
            expected.append(line[5:])
            continue
        if expected or (not line.strip() and first is not None):
            yield first, code, expected
            code, expected, first = [], [], None
        if first is None and line.strip() and not line.lstrip().startswith("#"):
            first = start + offset
        code.append(line)
    if code or expected:
        yield first, code, expected


def main():
    readme = sys.argv[1]
    with open(readme, encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = ["set -euo pipefail", 'out="$WALKTHROUGH_WORK/out"', 'want="$WALKTHROUGH_WORK/want"']
    count = 0
    for start, block in blocks(lines):
        for first, code, expected in segments(start, block):
            count += 1
            where = f"{readme}:{first}"
            out.append(f"echo {shlex.quote('--- ' + where)} >&2")
            out.append("{")
            out.extend(code)
            out.append(f'}} > "$out" 2>&1 || {{ cat "$out" >&2; echo {shlex.quote(where + ": failed")} >&2; exit 1; }}')
            if expected:
                # An answer without a final newline (curl prints bodies as they are).
                out.append('if [ -s "$out" ] && [ -n "$(tail -c1 "$out")" ]; then echo >> "$out"; fi')
                out.append(f"cat > \"$want\" <<'WALKTHROUGH_EXPECTED'")
                out.extend(expected)
                out.append("WALKTHROUGH_EXPECTED")
                out.append(
                    f'diff -u "$want" "$out" >&2 || {{ echo {shlex.quote(where + ": prints something else than the README shows")} >&2; exit 1; }}'
                )
            else:
                out.append('cat "$out" >&2')
    if count == 0:
        sys.exit(f"{readme}: no walkthrough blocks")
    print("\n".join(out))


if __name__ == "__main__":
    main()
