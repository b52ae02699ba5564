"""Every example in the specs holds: request examples validate and build their models, response examples parse.

The specs are enumerated from specs/, so a spec dropped there is exercised without editing this file.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pydantic import BaseModel

import suno_clients
from suno_clients._runtime.model_bases import to_json

from .conftest import ROOT
from .spec_files import VENDORS, spec_document, vendor_ir

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@cache
def spec(vendor: str) -> dict[str, Any]:
    """The parsed spec of one vendor."""
    return spec_document(vendor)


def model_class(vendor: str, ref: str) -> type[BaseModel]:
    """The generated pydantic model of a `#/components/schemas/<Name>` reference."""
    model: type[BaseModel] = getattr(suno_clients.vendor_module(vendor), ref.rsplit("/", 1)[-1])
    return model


def operations(vendor: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) of every operation in a spec."""
    return [
        (path, method, op)
        for path, item in spec(vendor)["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


@dataclass(frozen=True)
class Example:
    """One documented body: whose it is, which model reads it, and the body itself."""

    vendor: str
    operation: str
    where: str  # "request" or the response status
    example_id: str
    ref: str
    value: Any

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.operation}/{self.where}/{self.example_id}"


def request_examples() -> list[Example]:
    return [
        Example(vendor, op["operationId"], "request", example_id, media["schema"]["$ref"], example["value"])
        for vendor in VENDORS
        for _, _, op in operations(vendor)
        if (media := op.get("requestBody", {}).get("content", {}).get("application/json"))
        for example_id, example in (media.get("examples") or {}).items()
    ]


def response_examples() -> list[Example]:
    return [
        Example(vendor, op["operationId"], str(status), example_id, media["schema"]["$ref"], example["value"])
        for vendor in VENDORS
        for _, _, op in operations(vendor)
        for status, response in op.get("responses", {}).items()
        if (media := (response.get("content") or {}).get("application/json"))
        for example_id, example in (media.get("examples") or {}).items()
    ]


REQUEST_EXAMPLES = request_examples()
RESPONSE_EXAMPLES = response_examples()


def test_there_is_one_spec_per_vendor_and_one_vendor_per_spec() -> None:
    assert sorted(VENDORS) == sorted(suno_clients.VENDORS)


def test_every_vendor_documents_at_least_one_request_example() -> None:
    assert {e.vendor for e in REQUEST_EXAMPLES} == set(VENDORS)


def test_every_documented_example_is_collected() -> None:
    # guards the tests below: counted without the walk above, every example under a request body or a response
    def count(node: object, inside: bool) -> int:
        if isinstance(node, dict):
            here = len(node["examples"]) if inside and isinstance(node.get("examples"), dict) else 0
            return here + sum(count(v, inside or k in ("requestBody", "responses")) for k, v in node.items())
        return sum(count(v, inside) for v in node) if isinstance(node, list) else 0

    documented = sum(count(spec(vendor)["paths"], False) for vendor in VENDORS)
    assert documented == len(REQUEST_EXAMPLES) + len(RESPONSE_EXAMPLES) > 0


def test_both_success_and_error_response_examples_are_covered() -> None:
    statuses = {e.where for e in RESPONSE_EXAMPLES}
    assert any(s.startswith("2") for s in statuses)
    assert any(s.startswith(("4", "5")) for s in statuses)


@pytest.mark.parametrize("example", REQUEST_EXAMPLES, ids=lambda e: e.id)
def test_every_request_example_passes_offline_validation(example: Example) -> None:
    assert suno_clients.validate(example.vendor, example.operation, example.value) == []


@pytest.mark.parametrize("example", REQUEST_EXAMPLES, ids=lambda e: e.id)
def test_every_request_example_is_valid_for_jsonschema_too(example: Example) -> None:
    checker = Draft202012Validator(
        {"$ref": example.ref, "components": spec(example.vendor)["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    assert [error.message for error in checker.iter_errors(example.value)] == []


@pytest.mark.parametrize("example", REQUEST_EXAMPLES, ids=lambda e: e.id)
def test_every_request_example_builds_its_request_model(example: Example) -> None:
    model = model_class(example.vendor, example.ref)
    built = model(**copy.deepcopy(example.value))
    assert isinstance(built, model)


@pytest.mark.parametrize("example", REQUEST_EXAMPLES, ids=lambda e: e.id)
def test_a_request_model_built_from_an_example_sends_that_example_back(example: Example) -> None:
    built = model_class(example.vendor, example.ref)(**copy.deepcopy(example.value))
    assert to_json(built) == example.value


@pytest.mark.parametrize("example", RESPONSE_EXAMPLES, ids=lambda e: e.id)
def test_every_response_example_parses_with_its_response_model(example: Example) -> None:
    model = model_class(example.vendor, example.ref)
    parsed = model.model_validate(copy.deepcopy(example.value))
    assert isinstance(parsed, model)


def test_every_response_schema_has_a_generated_model() -> None:
    refs = {
        (vendor, media["schema"]["$ref"])
        for vendor in VENDORS
        for _, _, op in operations(vendor)
        for response in op.get("responses", {}).values()
        if (media := (response.get("content") or {}).get("application/json"))
    }
    assert refs
    missing = [
        (vendor, ref)
        for vendor, ref in sorted(refs)
        if not hasattr(suno_clients.vendor_module(vendor), ref.rsplit("/", 1)[-1])
    ]
    assert missing == []


# -- the README's payloads ---------------------------------------------------------------------------------------


def _methods_with_a_body(vendor: str) -> dict[str, str]:
    """Each public client method of `vendor` that sends a request body, and the operation it sends (from the IR)."""

    built = vendor_ir(vendor)
    return {m.name: m.operation.id for m in built.methods if m.operation.request is not None}


def readme_payloads() -> list[tuple[str, str, dict[str, Any]]]:
    """(vendor, operation, payload) of every call with a request body in the README's Python blocks.

    The generator decides which operation a method sends (create_task, create_and_wait, submit_music_and_wait...);
    a call's keyword arguments are that body's fields, besides the wait's own `timeout` and `poll_interval`. Calls
    given a model or `**payload` are left to the type-checked README test (tests/test_typed_calls.py).
    """
    found: list[tuple[str, str, dict[str, Any]]] = []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for block in re.findall(r"```python\n(.*?)```", readme, re.DOTALL):
        tree = ast.parse(block)
        vendors = {
            alias.asname or alias.name: alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "suno_clients"
            for alias in node.names
        }
        if len(vendors) != 1:
            continue
        (vendor,) = vendors.values()
        methods = _methods_with_a_body(vendor)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in methods or node.args or any(kw.arg is None for kw in node.keywords):
                continue
            fields = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords if kw.arg is not None}
            payload = {k: v for k, v in fields.items() if k not in ("timeout", "poll_interval")}
            found.append((vendor, methods[node.func.attr], payload))
    return found


README_PAYLOADS = readme_payloads()


def test_the_readme_payload_walk_finds_the_readmes_examples() -> None:
    # guards the test below; a new spec need not add to the README, so this asks for some calls, not one per vendor
    assert len(README_PAYLOADS) >= 2
    assert {vendor for vendor, _, _ in README_PAYLOADS} <= set(VENDORS)


@pytest.mark.parametrize(
    ("vendor", "operation", "payload"), README_PAYLOADS, ids=[f"{v}/{o}" for v, o, _ in README_PAYLOADS]
)
def test_every_readme_payload_is_valid_without_warnings(vendor: str, operation: str, payload: dict[str, Any]) -> None:
    assert suno_clients.validate(vendor, operation, payload) == []
