"""Figure 2's floor: a loop that reads JSON Lines, parses each line and writes one fixed result line, nothing else.

It is what any Python loop over the lines pays before validating anything: the read, the strip of the line's end,
pydantic_core's parser (what `sunogen validate --jsonl` and the reference both parse with) and one write. With
`--walk`, it also visits every value of each payload once and checks nothing (figure 1's bare walk): the least a
validator written in Python adds. Every line is taken as valid.

Usage: python bench/batch_floor.py [--walk] FILE.jsonl
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic_core import from_json


def _touch(value: Any) -> int:
    # figure 1's bare walk (bench/fig1_bounds.py), written here again: a timed process imports nothing the floor
    # does not need, and this script runs as a file, outside the bench package
    if isinstance(value, dict):
        return sum(_touch(member) for member in value.values()) + 1
    if isinstance(value, list):
        return sum(_touch(item) for item in value) + 1
    return 1


def main(name: str, *, walk: bool) -> int:
    """Read, parse (and walk) every line of `name`, writing `name:N: valid` for each."""
    write = sys.stdout.write
    with open(name, "rb") as lines:
        for lineno, line in enumerate(lines, 1):
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            payload = from_json(line)
            if walk:
                _touch(payload)
            write(f"{name}:{lineno}: valid\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[-1], walk="--walk" in sys.argv[1:-1]))
