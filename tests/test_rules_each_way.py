"""Every rule of every spec, shown both ways: a payload breaking only that rule fails with it, the mended one passes.

The cases live beside the specs they test, one file per spec: tests/rule_cases/<vendor>.yaml. A spec dropped into
specs/ is enumerated here at once, and fails until its case file exists and has a case for each of its rules. A case
file has three lists (`accepted` and `json` may be left out):

    rules:                              # each rule of the spec, shown both ways
      - rule: custom-mode-requires-prompt   # the rule's title in the spec
        how: prompt-dropped                 # optional: tells apart several cases of one rule
        example: axios-example              # a named request example of the spec: the payload to start from
        broken: {drop: [prompt]}            # edits of the example that break exactly this rule
        mended: {}                          # edits of the example that keep it valid ({}: the example itself)
    accepted:                           # payloads the document accepts (an audit found some refused once)
      - how: title-without-custom-mode
        example: axios-example
        edit: {set: {custom_mode: false, prompt: epic reggae}}
        warnings: [title-only-used-in-custom-mode]   # the warnings it gives ([]: none)
    json:                               # payloads wrong as JSON (not by a rule), each with its one violation
      - how: '"false"-for-false'
        example: axios-example
        edit: {drop: [prompt, title], set: {custom_mode: "false"}}
        violation: [$.custom_mode, type, "must be a boolean (true or false), not string"]

An edit drops the dotted paths of `drop`, then sets those of `set`; `!repeat [text, n]` is `text` repeated n times.
A broken error case fails with exactly its rule (and the rule's message); a broken warning case gives only warnings
of its rule, so a client still sends it. jsonschema judges the same payloads against the spec with its warning rules
stripped (a warning never makes a payload invalid) and must agree with the errors.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

import suno_clients

from .conftest import ROOT
from .spec_files import VENDORS, spec_document

CASES_DIR: Final = Path(__file__).resolve().parent / "rule_cases"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Keywords whose values are subschemas (the rest of a schema is data: names, values, annotations).
SUBSCHEMA = ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")

Severity = Literal["error", "warning"]


# -- the specs ---------------------------------------------------------------------------------------------------


@cache
def spec(vendor: str) -> dict[str, Any]:
    """The parsed spec of one vendor."""
    return spec_document(vendor)


def operations(vendor: str) -> list[dict[str, Any]]:
    """Every operation object of a spec."""
    return [op for item in spec(vendor)["paths"].values() for method, op in item.items() if method in HTTP_METHODS]


@cache
def request_bodies(vendor: str) -> dict[str, str]:
    """operationId -> `$ref` of the request schema, for every operation with a JSON request body."""
    return {
        op["operationId"]: media["schema"]["$ref"]
        for op in operations(vendor)
        if (media := op.get("requestBody", {}).get("content", {}).get("application/json"))
    }


@cache
def request_examples(vendor: str) -> dict[str, tuple[str, Any]]:
    """Example name -> (operationId, value) of every request example; a name two operations share is ambiguous."""
    found: dict[str, tuple[str, Any]] = {}
    for op in operations(vendor):
        examples = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
        for name, example in examples.items():
            assert name not in found, f"specs/{vendor}.yaml: request example {name!r} is named twice"
            found[name] = (op["operationId"], example["value"])
    return found


@dataclass(frozen=True)
class SpecRule:
    """A titled rule found in a request schema, and the operations whose request bodies reach it."""

    vendor: str
    id: str
    description: str
    severity: Severity
    operations: frozenset[str]


def rules_in(vendor: str) -> dict[str, SpecRule]:
    """Every titled rule reachable from a request schema of `vendor`, walking subschemas and following `$ref`s."""
    components = spec(vendor)["components"]["schemas"]
    found: dict[str, SpecRule] = {}

    def walk(node: Any, operation: str, seen: frozenset[str], root: bool) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(title := node.get("title"), str) and not root:
            known = found.get(title)
            reached = (known.operations if known else frozenset()) | {operation}
            severity = node.get("x-sunogen-severity", "error")
            found[title] = SpecRule(vendor, title, node.get("description", ""), severity, reached)
        if isinstance(ref := node.get("$ref"), str) and ref not in seen:
            walk(components[ref.rsplit("/", 1)[-1]], operation, seen | {ref}, root=True)
        for key in SUBSCHEMA:
            walk(node.get(key), operation, seen, root=False)
        for key in SUBSCHEMA_LISTS:
            for child in node.get(key, ()):
                walk(child, operation, seen, root=False)
        for child in (node.get("properties") or {}).values():
            walk(child, operation, seen, root=False)

    for operation, ref in request_bodies(vendor).items():
        walk({"$ref": ref}, operation, frozenset(), root=True)
    return found


SPEC_RULES: Final = {(vendor, rule.id): rule for vendor in VENDORS for rule in rules_in(vendor).values()}


# -- the case files ------------------------------------------------------------------------------------------------


class CaseLoader(yaml.SafeLoader):  # type: ignore[misc]  # yaml has no type stubs here
    """YAML with one tag more: `!repeat [text, n]`, for the long strings that length limits need."""


def _repeat(loader: CaseLoader, node: yaml.SequenceNode) -> str:
    text, times = loader.construct_sequence(node)
    assert isinstance(text, str), f"!repeat takes [text, count], got {[text, times]}"
    assert isinstance(times, int), f"!repeat takes [text, count], got {[text, times]}"
    return text * times


CaseLoader.add_constructor("!repeat", _repeat)


def case_file(vendor: str) -> Path:
    return CASES_DIR / f"{vendor}.yaml"


@cache
def case_data(vendor: str) -> dict[str, Any]:
    """The parsed case file of a vendor ({} when there is none: the meta-tests say which file to write)."""
    path = case_file(vendor)
    if not path.exists():
        return {}
    loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=CaseLoader)
    assert isinstance(loaded, dict), f"{path.relative_to(ROOT)} must be a mapping with `rules` and `json` lists"
    return loaded


def edited(payload: Any, edit: dict[str, Any] | None) -> Any:
    """A copy of `payload` with the dotted paths of `drop` removed, then those of `set` set."""
    out = copy.deepcopy(payload)
    edit = edit or {}
    assert set(edit) <= {"drop", "set"}, f"an edit has `drop` and `set` only, got {sorted(edit)}"

    def parent(path: str) -> tuple[dict[str, Any], str]:
        *steps, last = path.split(".")
        node = out
        for step in steps:
            node = node[step]
        assert isinstance(node, dict), f"{path!r} does not lead into an object"
        return node, last

    for path in edit.get("drop", ()):
        node, last = parent(path)
        assert last in node, f"drop: the payload has no {path!r}"
        del node[last]
    for path, value in (edit.get("set") or {}).items():
        node, last = parent(path)
        node[last] = copy.deepcopy(value)
    return out


@dataclass(frozen=True)
class Case:
    """One rule shown both ways: `broken` breaks only `rule`; `mended` is the same example kept valid."""

    vendor: str
    rule: str
    how: str
    example: str
    broken_edit: dict[str, Any]
    mended_edit: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.vendor}:{self.rule}" + (f":{self.how}" if self.how else "")

    @property
    def operation(self) -> str:
        return request_examples(self.vendor)[self.example][0]

    @property
    def broken(self) -> Any:
        return edited(request_examples(self.vendor)[self.example][1], self.broken_edit)

    @property
    def mended(self) -> Any:
        return edited(request_examples(self.vendor)[self.example][1], self.mended_edit)

    @property
    def spec_rule(self) -> SpecRule:
        return SPEC_RULES[(self.vendor, self.rule)]


@dataclass(frozen=True)
class AcceptedCase:
    """A payload the vendor's document accepts (an audit found it refused once): no errors, only these warnings."""

    vendor: str
    how: str
    example: str
    edit: dict[str, Any]
    warnings: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.operation}:{self.how}"

    @property
    def operation(self) -> str:
        return request_examples(self.vendor)[self.example][0]

    @property
    def payload(self) -> Any:
        return edited(request_examples(self.vendor)[self.example][1], self.edit)


@dataclass(frozen=True)
class JsonCase:
    """A payload that is wrong as JSON (not by a rule), and the one violation it must give."""

    vendor: str
    how: str
    example: str
    edit: dict[str, Any]
    path: str
    keyword: str
    message: str

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.operation}:{self.how}"

    @property
    def operation(self) -> str:
        return request_examples(self.vendor)[self.example][0]

    @property
    def payload(self) -> Any:
        return edited(request_examples(self.vendor)[self.example][1], self.edit)


def cases() -> list[Case]:
    return [
        Case(vendor, c["rule"], c.get("how", ""), c["example"], c.get("broken") or {}, c.get("mended") or {})
        for vendor in VENDORS
        for c in case_data(vendor).get("rules") or ()
    ]


def accepted_cases() -> list[AcceptedCase]:
    return [
        AcceptedCase(vendor, c["how"], c["example"], c.get("edit") or {}, tuple(c.get("warnings") or ()))
        for vendor in VENDORS
        for c in case_data(vendor).get("accepted") or ()
    ]


def json_cases() -> list[JsonCase]:
    return [
        JsonCase(vendor, c["how"], c["example"], c.get("edit") or {}, *c["violation"])
        for vendor in VENDORS
        for c in case_data(vendor).get("json") or ()
    ]


CASES: Final = cases()
ACCEPTED_CASES: Final = accepted_cases()
JSON_CASES: Final = json_cases()
ERROR_CASES: Final = [case for case in CASES if case.spec_rule.severity == "error"]
WARNING_CASES: Final = [case for case in CASES if case.spec_rule.severity == "warning"]


def model_of(vendor: str, operation: str) -> type[BaseModel]:
    model: type[BaseModel] = getattr(
        suno_clients.vendor_module(vendor), request_bodies(vendor)[operation].rsplit("/", 1)[-1]
    )
    return model


def without_warnings(node: Any) -> Any:
    """A copy of a schema without its warning rules: what a gateway rejects, which is what jsonschema should judge."""
    if isinstance(node, dict):
        out = {key: without_warnings(value) for key, value in node.items()}
        if isinstance(out.get("allOf"), list):
            out["allOf"] = [rule for rule in out["allOf"] if rule.get("x-sunogen-severity") != "warning"]
        return out
    if isinstance(node, list):
        return [without_warnings(value) for value in node]
    return node


def jsonschema_says_valid(vendor: str, operation: str, payload: Any, *, warnings: bool = False) -> bool:
    """jsonschema's verdict on the spec's request schema; warning rules count only with `warnings`."""
    components = spec(vendor)["components"]
    checker = Draft202012Validator(
        {
            "$ref": request_bodies(vendor)[operation],
            "components": components if warnings else without_warnings(components),
        },
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    valid: bool = checker.is_valid(payload)
    return valid


# -- the case files follow the specs --------------------------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_spec_has_a_case_file(vendor: str) -> None:
    path = case_file(vendor).relative_to(ROOT)
    assert case_file(vendor).exists(), (
        f"specs/{vendor}.yaml has no rule cases: write {path} (a `rules` list with a case per rule of the spec, "
        "optional `accepted` and `json` lists; the format is in tests/test_rules_each_way.py)"
    )


@pytest.mark.parametrize("rule", sorted(SPEC_RULES), ids=lambda key: f"{key[0]}:{key[1]}")
def test_every_rule_in_the_specs_has_a_case(rule: tuple[str, str]) -> None:
    vendor, rule_id = rule
    covered = {case.rule for case in CASES if case.vendor == vendor}
    examples = ", ".join(request_examples(vendor)) or "(the spec has none: add one)"
    assert rule_id in covered, (
        f"rule {rule_id!r} of specs/{vendor}.yaml has no case: add one to {case_file(vendor).relative_to(ROOT)}, "
        f"under `rules:`: {{rule: {rule_id}, example: <one of {examples}>, broken: <edits that break only this rule>, "
        "mended: <edits that keep the example valid>}"
    )


def test_every_case_names_a_rule_and_an_example_of_its_spec() -> None:
    assert sorted(c.id for c in CASES if (c.vendor, c.rule) not in SPEC_RULES) == []
    every: list[Case | AcceptedCase | JsonCase] = [*CASES, *ACCEPTED_CASES, *JSON_CASES]
    assert sorted(c.id for c in every if c.example not in request_examples(c.vendor)) == []
    # a case's example is a body of an operation that reaches its rule
    assert sorted(c.id for c in CASES if c.operation not in c.spec_rule.operations) == []


def test_the_cases_of_one_rule_are_told_apart() -> None:
    ids = [case.id for case in CASES] + [case.id for case in ACCEPTED_CASES] + [case.id for case in JSON_CASES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def titled_allof_entries(node: Any) -> set[str]:
    """The titles of every allOf entry anywhere under `node`: the rules, found without following the operations."""
    found: set[str] = set()
    if isinstance(node, dict):
        for entry in node.get("allOf") or ():
            if isinstance(entry, dict) and isinstance(entry.get("title"), str):
                found.add(entry["title"])
        for value in node.values():
            found |= titled_allof_entries(value)
    elif isinstance(node, list):
        for value in node:
            found |= titled_allof_entries(value)
    return found


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_rule_walk_finds_every_rule_of_the_spec(vendor: str) -> None:
    # guards the meta-tests above: a walk that missed rules (in a $ref'd component, say) would let them pass
    walked = {rule_id for v, rule_id in SPEC_RULES if v == vendor}
    assert walked == titled_allof_entries(spec(vendor)["components"]["schemas"])


# -- every rule, both ways ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_payload_breaking_one_rule_fails_with_that_rule_and_its_message(case: Case) -> None:
    violations = suno_clients.validate(case.vendor, case.operation, case.broken)
    assert violations, "the broken payload passed"
    assert {v.rule for v in violations} == {case.rule}, [str(v) for v in violations]
    assert {v.severity for v in violations} == {case.spec_rule.severity}
    for v in violations:
        assert case.spec_rule.description in v.message


@pytest.mark.parametrize("case", WARNING_CASES, ids=lambda c: c.id)
def test_a_payload_breaking_only_a_warning_rule_has_no_errors(case: Case) -> None:
    assert suno_clients.errors_only(suno_clients.validate(case.vendor, case.operation, case.broken)) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_mended_payload_passes(case: Case) -> None:
    assert suno_clients.validate(case.vendor, case.operation, case.mended) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jsonschema_agrees_with_each_case_both_ways(case: Case) -> None:
    # judged without warning rules: a broken warning case is valid, a broken error case is not
    assert jsonschema_says_valid(case.vendor, case.operation, case.broken) == (case.spec_rule.severity == "warning")
    assert jsonschema_says_valid(case.vendor, case.operation, case.mended)
    # judged with them, every broken case breaks a rule of the spec
    assert not jsonschema_says_valid(case.vendor, case.operation, case.broken, warnings=True)


# -- what a gateway accepts is never refused ---------------------------------------------------------------------


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=lambda c: c.id)
def test_an_accepted_payload_has_no_errors_and_only_its_warnings(case: AcceptedCase) -> None:
    violations = suno_clients.validate(case.vendor, case.operation, case.payload)
    assert suno_clients.errors_only(violations) == [], [str(v) for v in violations]
    assert sorted({v.rule or v.keyword for v in violations}) == sorted(case.warnings)
    assert all((case.vendor, rule) in SPEC_RULES for rule in case.warnings)


@pytest.mark.parametrize("case", ACCEPTED_CASES, ids=lambda c: c.id)
def test_an_accepted_payload_builds_its_request_model_and_passes_jsonschema(case: AcceptedCase) -> None:
    model = model_of(case.vendor, case.operation)
    assert isinstance(model(**case.payload), model)
    assert jsonschema_says_valid(case.vendor, case.operation, case.payload)


# -- strict JSON ----------------------------------------------------------------------------------------------------

NOT_OBJECTS: Final = [[], [{}], "{}", 0, 1.5, True, None]


def request_operations() -> list[tuple[str, str]]:
    return [(vendor, operation) for vendor in VENDORS for operation in request_bodies(vendor)]


@pytest.mark.parametrize("case", JSON_CASES, ids=lambda c: c.id)
def test_json_types_are_strict_and_unknown_fields_are_violations(case: JsonCase) -> None:
    violations = suno_clients.validate(case.vendor, case.operation, case.payload)
    assert [(v.path, v.keyword, v.message, v.rule) for v in violations] == [
        (case.path, case.keyword, case.message, None)
    ]
    assert str(violations[0]) == f"{case.path}: {case.message} [{case.keyword}]"


def test_strict_json_is_shown_for_booleans_numbers_integers_null_and_unknown_fields() -> None:
    shown = {case.message.split(", not ")[0] for case in JSON_CASES if case.keyword == "type"}
    assert {"must be a boolean (true or false)", "must be a number", "must be an integer"} <= shown
    assert any(case.keyword == "additionalProperties" for case in JSON_CASES)
    assert any(case.message.endswith("not null") for case in JSON_CASES)


@pytest.mark.parametrize(("vendor", "operation"), request_operations())
@pytest.mark.parametrize("payload", NOT_OBJECTS, ids=lambda p: type(p).__name__)
def test_a_payload_that_is_not_an_object_is_one_clear_violation(vendor: str, operation: str, payload: Any) -> None:
    violations = suno_clients.validate(vendor, operation, payload)
    names = {list: "array", str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}
    assert [(v.path, v.keyword, v.message) for v in violations] == [
        ("$", "type", f"must be an object, not {names[type(payload)]}")
    ]


# -- the request models say the same ----------------------------------------------------------------------------


def messages_of(error: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    return [(tuple(e["loc"]), e["msg"]) for e in error.errors()]


def expected_messages(vendor: str, operation: str, payload: Any) -> list[tuple[tuple[int | str, ...], str]]:
    """What the model's ValidationError must carry: one line per error of validate(), same wording."""
    out: list[tuple[tuple[int | str, ...], str]] = []
    for v in suno_clients.errors_only(suno_clients.validate(vendor, operation, payload)):
        loc = tuple(
            int(part[1:-1]) if part.startswith("[") and part[1:-1].isdigit() else part.strip('[]"')
            for part in v.path.removeprefix("$").replace("[", ".[").split(".")
            if part
        )
        out.append((loc, f"{v.message} [{v.rule or v.keyword}]"))
    return out


@pytest.mark.parametrize("case", ERROR_CASES, ids=lambda c: c.id)
def test_the_request_model_rejects_a_broken_payload_with_the_messages_of_validate(case: Case) -> None:
    with pytest.raises(ValidationError) as raised:
        model_of(case.vendor, case.operation)(**case.broken)
    expected = expected_messages(case.vendor, case.operation, case.broken)
    assert expected
    assert messages_of(raised.value) == expected


@pytest.mark.parametrize("case", WARNING_CASES, ids=lambda c: c.id)
def test_the_request_model_accepts_a_payload_that_only_breaks_a_warning_rule(case: Case) -> None:
    model = model_of(case.vendor, case.operation)
    assert isinstance(model(**case.broken), model)


@pytest.mark.parametrize("case", JSON_CASES, ids=lambda c: c.id)
def test_the_request_model_rejects_wrong_json_types_with_the_messages_of_validate(case: JsonCase) -> None:
    with pytest.raises(ValidationError) as raised:
        model_of(case.vendor, case.operation).model_validate(case.payload)
    assert messages_of(raised.value) == expected_messages(case.vendor, case.operation, case.payload)
    assert case.message in str(raised.value)


@pytest.mark.parametrize(("vendor", "operation"), request_operations())
def test_the_request_model_rejects_a_payload_that_is_not_an_object(vendor: str, operation: str) -> None:
    with pytest.raises(ValidationError) as raised:
        model_of(vendor, operation).model_validate(["not", "an", "object"])
    assert messages_of(raised.value) == [((), "must be an object, not array [type]")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_request_model_accepts_the_mended_payload(case: Case) -> None:
    model = model_of(case.vendor, case.operation)
    assert isinstance(model(**case.mended), model)
