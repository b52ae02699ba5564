"""Part of stage 2, check: the components' schemas.

Each node's keywords against the subset the rules compiler supports (the keyword table's own problems), `$ref`s,
formats, units and severities, component names, `$ref` cycles, and the ids and messages of named rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .exports import reserved_names
from .load import escape
from .schema_keywords import (
    REF_PREFIX,
    REQUEST_FORMATS,
    SCHEMA_EXTENSIONS,
    SEVERITIES,
    UNITS,
    children,
    json_type,
    keyword_problems,
    names_a_rule,
    ref_cycles,
)

Report = Callable[[str, str, str], None]

RESPONSE_FORMATS = REQUEST_FORMATS | {"uuid"}
COMPONENT_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A warning is advice next to the rules that decide validity: only an entry of a request component's own allOf
# may be one (under anyOf, oneOf, not or if it would change what those decide).
TOP_LEVEL_RULE = re.compile(r"^/components/schemas/[^/]+/allOf/[0-9]+$")


class SchemaChecker:
    """Checks the schemas of one spec, reporting each problem as `report(pointer, code, message)`."""

    def __init__(self, report: Report, schemas: dict[str, Any]) -> None:
        self.report = report
        self.schemas = schemas
        self.rule_ids: dict[str, str] = {}  # rule id -> the pointer of the rule that defines it

    def components(self, requests: set[str]) -> None:
        """Every component: its name, its schema (`requests`, the ones a request body reaches, strictly), and
        the `$ref` cycles that never descend into a member or an item."""
        for name, schema in self.schemas.items():
            pointer = f"/components/schemas/{escape(name)}"
            if not COMPONENT_NAME.match(name):
                self.report(pointer, "bad-name", f"component {name!r} must be PascalCase")
            elif name in reserved_names():
                self.report(pointer, "reserved-name", f"component {name!r} would clash with the client's own {name}")
            self.schema(schema, pointer, request=name in requests)
        for name, chain in ref_cycles(self.schemas):
            self.report(
                f"/components/schemas/{escape(name)}",
                "ref-cycle",
                f"component {name!r} contains itself through {' -> '.join(chain)} without descending into a member "
                "or an item: validating it would never end",
            )

    def schema(self, value: Any, pointer: str, *, request: bool) -> None:
        """Check one schema node; with `request`, also what only the rule compiler needs (formats, rule ids)."""
        if isinstance(value, bool):
            return
        if not isinstance(value, dict):
            self.report(pointer, "wrong-type", f"a schema must be a mapping, got {json_type(value)}")
            return
        for key in value:
            where = f"{pointer}/{escape(key)}"
            if key.startswith("x-"):
                if key not in SCHEMA_EXTENSIONS:
                    self.report(where, "unknown-key", f"unknown extension {key!r} in a schema")
                continue
            for code, message in keyword_problems(value, key):
                self.report(where, code, message)
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX) and ref.removeprefix(REF_PREFIX) not in self.schemas:
            self.report(
                f"{pointer}/$ref",
                "unresolved-ref",
                f"{ref!r} does not resolve: no component {ref[len(REF_PREFIX) :]!r}",
            )
        if "x-sunogen-unit" in value and (request or value["x-sunogen-unit"] not in UNITS):
            self.report(
                f"{pointer}/x-sunogen-unit",
                "bad-unit",
                f"x-sunogen-unit must be one of {sorted(UNITS)} and only in responses",
            )
        if "x-sunogen-severity" in value:
            self.severity(value, pointer, request=request)
        if request and "format" in value and value["format"] not in REQUEST_FORMATS:
            self.report(f"{pointer}/format", "unsupported-format", f"format {value['format']!r} is not checked")
        elif "format" in value and value["format"] not in RESPONSE_FORMATS:
            self.report(f"{pointer}/format", "unsupported-format", f"format {value['format']!r} is not supported")
        if request and names_a_rule(value, pointer):
            self.rule(value, pointer)
        for key, child in children(value):
            self.schema(child, f"{pointer}/{key}", request=request)

    def severity(self, value: dict[str, Any], pointer: str, *, request: bool) -> None:
        where = f"{pointer}/x-sunogen-severity"
        if value["x-sunogen-severity"] not in SEVERITIES:
            self.report(where, "bad-severity", f"x-sunogen-severity must be one of {', '.join(SEVERITIES)}")
        elif not (request and "title" in value and TOP_LEVEL_RULE.match(pointer)):
            self.report(
                where, "bad-severity", "only a rule (a titled entry of a request component's allOf) has a severity"
            )

    def rule(self, value: dict[str, Any], pointer: str) -> None:
        title = value["title"]
        if not isinstance(title, str) or not RULE_ID.match(title):
            self.report(f"{pointer}/title", "bad-rule", f"a rule title must be a kebab-case id, got {title!r}")
            return
        if title in self.rule_ids and self.rule_ids[title] != pointer:
            self.report(f"{pointer}/title", "duplicate-rule", f"rule {title!r} is already defined")
        self.rule_ids.setdefault(title, pointer)
        if not isinstance(value.get("description"), str) or not value["description"]:
            self.report(pointer, "bad-rule", f"rule {title!r} needs a description: its message")
