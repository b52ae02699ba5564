"""The payloads the validation figures time, derived from the specs and tests/rule_cases/ (never listed by hand).

For every operation with a JSON request body: each request example of its spec (valid); for every rule of every
spec, each broken case of tests/rule_cases/<vendor>.yaml (the example edited to break exactly that rule); each case
of the `json` lists there (a member of the wrong JSON type, an unknown field); and per operation that has cases, two
made here from its first example: every case's edit at once (several violations in one payload), a large invalid
payload (each string member 50,000 characters long), and one with 200 unknown members.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bench.core import ROOT

SPECS = ROOT / "specs"
CASES = ROOT / "tests" / "rule_cases"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
LARGE_STRING = 50_000
LARGE_UNKNOWN = 200


@dataclass(frozen=True, slots=True)
class Payload:
    """One request body to validate: where it comes from, its operation, the spec's schema of it, and its bytes."""

    vendor: str
    operation: str
    kind: str
    """`example`, `rule`, `json`, `several`, `large` or `unknown`."""
    name: str
    """The example's name, the rule (and case), or what the made payload holds."""
    data: bytes

    @property
    def label(self) -> str:
        """`vendor.operation: kind name`, as the tables print it."""
        return f"{self.vendor}.{self.operation}: {self.kind} {self.name}".rstrip()


@cache
def spec(vendor: str) -> dict[str, Any]:
    """The parsed spec of one vendor."""
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    return loaded


def vendors() -> list[str]:
    """Every vendor of specs/, in name order."""
    return sorted(path.stem for path in SPECS.glob("*.yaml"))


def request_schema(vendor: str, operation: str) -> dict[str, Any]:
    """The JSON Schema of an operation's request body as the spec gives it: its `$ref` beside the components."""
    for op in _operations(vendor):
        if op.get("operationId") == operation:
            ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            return {"$ref": ref, "components": spec(vendor)["components"]}
    raise LookupError(f"specs/{vendor}.yaml has no operation {operation!r} with a JSON body")


def _operations(vendor: str) -> list[dict[str, Any]]:
    return [op for item in spec(vendor)["paths"].values() for method, op in item.items() if method in HTTP_METHODS]


def examples(vendor: str) -> dict[str, tuple[str, Any]]:
    """Every request example of a spec: its name -> (operationId, value)."""
    found = {}
    for op in _operations(vendor):
        media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        for name, example in (media.get("examples") or {}).items():
            found[name] = (op["operationId"], example["value"])
    return found


def _case_loader() -> Any:
    import yaml

    class CaseLoader(yaml.SafeLoader):  # type: ignore[misc]  # yaml has no type stubs here
        """The case files' YAML: `!repeat [text, n]` is `text` repeated n times."""

    def repeat(loader: Any, node: Any) -> str:
        text, times = loader.construct_sequence(node)
        return str(text) * int(times)

    CaseLoader.add_constructor("!repeat", repeat)
    return CaseLoader


@cache
def cases(vendor: str) -> dict[str, Any]:
    """tests/rule_cases/<vendor>.yaml ({} when the spec has none)."""
    import yaml

    path = CASES / f"{vendor}.yaml"
    if not path.exists():
        return {}
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=_case_loader())
    return loaded


def edited(payload: Any, edit: dict[str, Any] | None) -> Any:
    """A copy of `payload` with the dotted paths of `drop` removed, then those of `set` set (the case files' edits)."""
    out = copy.deepcopy(payload)
    edit = edit or {}

    def parent(path: str) -> tuple[dict[str, Any], str]:
        *steps, last = path.split(".")
        node = out
        for step in steps:
            node = node[step]
        return node, last

    for path in edit.get("drop", ()):
        node, last = parent(path)
        node.pop(last, None)
    for path, value in (edit.get("set") or {}).items():
        node, last = parent(path)
        node[last] = copy.deepcopy(value)
    return out


def encode(payload: Any) -> bytes:
    """The JSON bytes every validator is handed."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _large(payload: Any) -> Any:
    """Every string member made LARGE_STRING characters long."""

    def grow(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: grow(value) for key, value in node.items()}
        if isinstance(node, list):
            return [grow(item) for item in node]
        if isinstance(node, str):
            return (node + " ") * (LARGE_STRING // (len(node) + 1) + 1)
        return node

    return grow(payload)


def _unknown(payload: dict[str, Any]) -> dict[str, Any]:
    """LARGE_UNKNOWN members added that the schema does not know."""
    return {**payload, **{f"unknown_{index}": "x" * 100 for index in range(LARGE_UNKNOWN)}}


def _all_edits(edits: list[dict[str, Any]]) -> dict[str, Any]:
    """One edit doing every edit given (drops first, then sets; a later set of the same path wins)."""
    drop: list[str] = []
    sets: dict[str, Any] = {}
    for edit in edits:
        drop += [path for path in edit.get("drop", ()) if path not in drop]
        sets.update(edit.get("set") or {})
    return {"drop": [path for path in drop if path not in sets], "set": sets}


def payloads() -> list[Payload]:
    """Every payload of the validation figures, in spec order: examples, rule cases, JSON cases, then the made ones."""
    found: list[Payload] = []
    for vendor in vendors():
        named = examples(vendor)
        for name, (operation, value) in named.items():
            found.append(Payload(vendor, operation, "example", name, encode(value)))
        data = cases(vendor)
        by_operation: dict[str, list[dict[str, Any]]] = {}
        for case in data.get("rules", ()):
            operation, value = named[case["example"]]
            name = case["rule"] + (f" ({case['how']})" if case.get("how") else "")
            found.append(Payload(vendor, operation, "rule", name, encode(edited(value, case["broken"]))))
            by_operation.setdefault(operation, []).append(case["broken"])
        for case in data.get("json", ()):
            operation, value = named[case["example"]]
            found.append(Payload(vendor, operation, "json", case["how"], encode(edited(value, case["edit"]))))
            by_operation.setdefault(operation, []).append(case["edit"])
        for operation, edits in by_operation.items():
            first = next(value for op, value in named.values() if op == operation)
            together = edited(first, _all_edits(edits))
            found.append(Payload(vendor, operation, "several", f"{len(edits)} edits at once", encode(together)))
            large = encode(_large(first))
            found.append(Payload(vendor, operation, "large", f"{LARGE_STRING:,}-character strings", large))
            many = encode(_unknown(first))
            found.append(Payload(vendor, operation, "unknown", f"{LARGE_UNKNOWN} unknown members", many))
    return found


def describe() -> str:
    """How the payload set is made, for RESULTS.md."""
    doc = __doc__ or ""
    return " ".join(line.strip() for line in doc.split("\n\n", 1)[1].splitlines())


def relative(path: Path) -> str:
    """A path relative to the repository root."""
    return str(path.relative_to(ROOT))
