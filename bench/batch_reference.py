"""Figure 2's reference: a loop of pydantic_core's parser and jsonschema-rs over a JSON Lines file, a result a line.

What a person would write to validate a batch with the fastest validator on PyPI: each line parsed by pydantic_core
(what ours parses with), asked `is_valid` and, when it is not, for every error; one line of text out per line in,
as `sunogen validate --jsonl` writes.

Usage: python bench/batch_reference.py SCHEMA.json FILE.jsonl
"""

from __future__ import annotations

import json
import sys

import jsonschema_rs
from pydantic_core import from_json


def main(schema_file: str, name: str) -> int:
    """Validate every line of `name`; 0 when all are valid, 1 otherwise."""
    with open(schema_file, encoding="utf-8") as file:
        validator = jsonschema_rs.validator_for(json.load(file), validate_formats=True)
    worst = 0
    write = sys.stdout.write
    with open(name, "rb") as lines:
        for lineno, line in enumerate(lines, 1):
            line = line.rstrip(b"\r\n")
            if not line.strip():
                continue
            try:
                payload = from_json(line)
            except ValueError as exc:
                write(f"{name}:{lineno}: malformed JSON: {exc}\n")
                worst = 2
                continue
            if validator.is_valid(payload):
                write(f"{name}:{lineno}: valid\n")
                continue
            worst = max(worst, 1)
            errors = [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(payload)]
            write(f"{name}:{lineno}: {len(errors)} violation(s): {'; '.join(errors)}\n")
    return worst


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
