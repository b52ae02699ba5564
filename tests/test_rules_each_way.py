"""Every rule of every spec, shown both ways: a payload breaking only that rule fails with it, the mended one passes.

The cases are built from the vendor documents' own request examples (the `examples` of each spec): each
breaks one rule by the smallest change, and its mended payload undoes exactly that break.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

import suno_clients

from .conftest import SPECS

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Keywords whose values are subschemas (the rest of a schema is data: names, values, annotations).
SUBSCHEMA = ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")


# -- the specs ---------------------------------------------------------------------------------------------------


@cache
def spec(vendor: str) -> dict[str, Any]:
    """The parsed spec of one vendor."""
    loaded: dict[str, Any] = yaml.safe_load((SPECS / f"{vendor}.yaml").read_text(encoding="utf-8"))
    return loaded


@cache
def request_bodies(vendor: str) -> dict[str, str]:
    """operationId -> `$ref` of the request schema, for every operation with a JSON request body."""
    return {
        op["operationId"]: media["schema"]["$ref"]
        for item in spec(vendor)["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
        if (media := op.get("requestBody", {}).get("content", {}).get("application/json"))
    }


@dataclass(frozen=True)
class SpecRule:
    """A titled rule found in a request schema."""

    vendor: str
    operation: str
    id: str
    description: str


def rules_in(vendor: str) -> list[SpecRule]:
    """Every titled rule reachable from a request schema of `vendor`, walking subschemas and following `$ref`s."""
    components = spec(vendor)["components"]["schemas"]
    found: dict[str, SpecRule] = {}

    def walk(node: Any, operation: str, seen: frozenset[str], root: bool) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("title"), str) and not root:
            found.setdefault(node["title"], SpecRule(vendor, operation, node["title"], node.get("description", "")))
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
    return list(found.values())


SPEC_RULES: Final = {(r.vendor, r.id): r for vendor in suno_clients.VENDORS for r in rules_in(vendor)}


def example(vendor: str, example_id: str) -> dict[str, Any]:
    """A fresh copy of one of the vendor document's request examples."""
    for item in spec(vendor)["paths"].values():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            examples = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
            if example_id in examples:
                value: dict[str, Any] = copy.deepcopy(examples[example_id]["value"])
                return value
    raise KeyError(f"{vendor} has no request example {example_id!r}")


# -- building payloads from the examples ----------------------------------------------------------------------------

DROP: Final = object()
"""A value for `changed`: remove the field."""


def changed(payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A copy of `payload` with the top-level fields set (or removed with DROP)."""
    out = copy.deepcopy(payload)
    for name, value in fields.items():
        if value is DROP:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def input_changed(payload: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A copy of `payload` with fields of its `input` object set (or removed with DROP)."""
    return changed(payload, input=changed(payload["input"], **fields))


# sunor.md
SUNOR_INSPIRATION = example("sunor", "suno-music-inspiration-mode")
SUNOR_CUSTOM = example("sunor", "suno-music-custom-mode")
SUNOR_CONTINUATION = example("sunor", "suno-music-continuation-mode")
SUNOR_UDIO = example("sunor", "udio-music")
SUNOR_LYRICS = example("sunor", "suno-lyrics")
SUNOR_UPLOAD = example("sunor", "suno-upload")
SUNOR_CONCAT = example("sunor", "suno-concat")
# crun.txt
CRUN_CURL = example("crun", "curl-custom-mode")
CRUN_SIMPLE = example("crun", "simple-mode")
CRUN_CUSTOM = example("crun", "custom-mode")
# gptge.txt
GPTGE_INSPIRATION = example("gptge", "inspiration-mode")
# relay.txt (it has no Inspiration Mode example: the gptge one speaks the same protocol with an mv both accept)
RELAY_CUSTOM = example("relay", "custom-mode")
RELAY_EXTEND = example("relay", "extend-make-instrumental-false")
RELAY_INSPIRATION = example("gptge", "inspiration-mode")
# sunoapi.txt
SUNOAPI_AXIOS = example("sunoapi", "axios-example")
SUNOAPI_SAMPLE = example("sunoapi", "sample-request")

# gptge.txt has only an Inspiration Mode example: its Custom Mode is the relay's custom example with gptge's mv.
GPTGE_CUSTOM = changed(RELAY_CUSTOM, mv="chirp-v4")
CONTINUATION_FIELDS: Final = {
    "task_id": "Original task ID",
    "continue_at": 120.0,
    "continue_clip_id": "Original song ID",
}


# -- the table ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One rule shown both ways: `broken` breaks only `rule`; `mended` is `broken` with that break undone."""

    vendor: str
    rule: str
    broken: Any
    mended: Any
    how: str = ""

    @property
    def id(self) -> str:
        return f"{self.vendor}:{self.rule}" + (f":{self.how}" if self.how else "")


CASES: Final = [
    # -- sunor.md: model and task type
    Case("sunor", "udio-supports-music-only",
         broken=changed(SUNOR_UDIO, task_type="lyrics"),
         mended=SUNOR_UDIO),
    Case("sunor", "suno-input-rejects-udio-fields",
         broken=input_changed(SUNOR_CUSTOM, lyrics_type="user"),
         mended=SUNOR_CUSTOM),
    Case("sunor", "suno-input-rejects-udio-fields", how="seed-with-lyrics",
         broken=input_changed(SUNOR_LYRICS, seed=42),
         mended=SUNOR_LYRICS),
    Case("sunor", "udio-input-rejects-suno-fields",
         broken=input_changed(SUNOR_UDIO, title="Rainy Night"),
         mended=SUNOR_UDIO),
    Case("sunor", "udio-music-requires-prompt",
         broken=input_changed(SUNOR_UDIO, prompt=DROP, tags="lofi hip hop"),
         mended=input_changed(SUNOR_UDIO, tags="lofi hip hop")),
    # -- sunor.md: Suno music, three modes
    Case("sunor", "suno-inspiration-mode-rejects-other-fields",
         broken=input_changed(SUNOR_INSPIRATION, title="Summer Days"),
         mended=SUNOR_INSPIRATION),
    Case("sunor", "suno-continuation-mode-rejects-other-fields",
         broken=input_changed(SUNOR_CONTINUATION, tags="pop, acoustic, upbeat"),
         mended=SUNOR_CONTINUATION),
    Case("sunor", "suno-custom-mode-requires-prompt",
         broken=input_changed(SUNOR_CUSTOM, prompt=DROP),
         mended=SUNOR_CUSTOM),
    Case("sunor", "suno-custom-mode-rejects-other-fields",
         broken=input_changed(SUNOR_CUSTOM, make_instrumental=True),
         mended=SUNOR_CUSTOM),
    Case("sunor", "suno-custom-mode-rejects-other-fields", how="continue-at-without-clip",
         broken=input_changed(SUNOR_CUSTOM, continue_at=30),
         mended=SUNOR_CUSTOM),
    # -- sunor.md: lyrics, upload, concat
    Case("sunor", "lyrics-requires-prompt",
         broken=input_changed(SUNOR_LYRICS, prompt=DROP),
         mended=SUNOR_LYRICS),
    Case("sunor", "lyrics-rejects-other-fields",
         broken=input_changed(SUNOR_LYRICS, title="Ocean at Sunset"),
         mended=SUNOR_LYRICS),
    Case("sunor", "upload-requires-url",
         broken=input_changed(SUNOR_UPLOAD, url=DROP),
         mended=SUNOR_UPLOAD),
    Case("sunor", "upload-rejects-other-fields",
         broken=input_changed(SUNOR_UPLOAD, clip_id="abc123-clip-id"),
         mended=SUNOR_UPLOAD),
    Case("sunor", "concat-requires-clip-id",
         broken=input_changed(SUNOR_CONCAT, clip_id=DROP),
         mended=SUNOR_CONCAT),
    Case("sunor", "concat-rejects-other-fields",
         broken=input_changed(SUNOR_CONCAT, url="https://example.com/my-audio.mp3"),
         mended=SUNOR_CONCAT),
    # -- crun.txt, input Rules
    Case("crun", "simple-mode-requires-prompt",
         broken=input_changed(CRUN_SIMPLE, prompt=DROP),
         mended=CRUN_SIMPLE),
    Case("crun", "custom-mode-requires-title-and-tags",
         broken=input_changed(CRUN_CUSTOM, title=DROP),
         mended=CRUN_CUSTOM),
    Case("crun", "custom-mode-vocal-requires-lyrics",
         broken=input_changed(CRUN_CURL, lyrics=DROP),
         mended=input_changed(CRUN_CURL, lyrics=DROP, instrumental=True),
         how="instrumental-false"),
    Case("crun", "custom-mode-vocal-requires-lyrics", how="instrumental-absent",
         broken=input_changed(CRUN_CUSTOM, lyrics=DROP),
         mended=CRUN_CUSTOM),
    Case("crun", "v4-tags-and-lyrics-max-length", how="tags-201",
         broken=input_changed(CRUN_CUSTOM, model="v4", tags="t" * 201),
         mended=input_changed(CRUN_CUSTOM, model="v4", tags="t" * 200)),
    Case("crun", "v4-tags-and-lyrics-max-length", how="lyrics-3001",
         broken=input_changed(CRUN_CUSTOM, model="v4", lyrics="l" * 3001),
         mended=input_changed(CRUN_CUSTOM, model="v4", lyrics="l" * 3000)),
    Case("crun", "v4-tags-and-lyrics-max-length", how="only-for-v4",
         broken=input_changed(CRUN_CUSTOM, model="v4", tags="t" * 201),
         mended=input_changed(CRUN_CUSTOM, model="v5", tags="t" * 201)),
    # -- gptge.txt, Note
    Case("gptge", "custom-mode-requires-prompt-title-tags",
         broken=changed(GPTGE_CUSTOM, tags=DROP),
         mended=GPTGE_CUSTOM),
    Case("gptge", "continuation-mode-requires-task-id-continue-at-continue-clip-id",
         broken=changed(GPTGE_CUSTOM, task_id="Original task ID"),
         mended=changed(GPTGE_CUSTOM, **CONTINUATION_FIELDS)),
    Case("gptge", "inspiration-mode-only-takes-its-own-fields",
         broken=changed(GPTGE_INSPIRATION, title="Happy Weekend"),
         mended=GPTGE_INSPIRATION),
    # -- relay.txt
    Case("relay", "custom-mode-requires-prompt-title-tags",
         broken=changed(RELAY_CUSTOM, title=DROP),
         mended=RELAY_CUSTOM),
    Case("relay", "inspiration-mode-excludes-custom-mode-fields",
         broken=changed(RELAY_INSPIRATION, tags="emotional punk"),
         mended=RELAY_INSPIRATION),
    Case("relay", "continuation-requires-task-id-continue-at-continue-clip-id",
         broken=changed(RELAY_CUSTOM, continue_at=120.0),
         mended=changed(RELAY_CUSTOM, **CONTINUATION_FIELDS)),
    Case("relay", "extend-task-requires-continuation-fields",
         broken=changed(RELAY_EXTEND, task_id=DROP, continue_at=DROP, continue_clip_id=DROP),
         mended=RELAY_EXTEND),
    # -- sunoapi.txt
    Case("sunoapi", "custom-mode-requires-prompt",
         broken=changed(SUNOAPI_AXIOS, prompt=DROP),
         mended=SUNOAPI_AXIOS),
    Case("sunoapi", "custom-mode-lyrics-under-3000-characters",
         broken=changed(SUNOAPI_SAMPLE, prompt="l" * 3000),
         mended=changed(SUNOAPI_SAMPLE, prompt="l" * 2999)),
    Case("sunoapi", "description-prompt-less-than-200-characters", how="custom-mode-false",
         broken=changed(SUNOAPI_AXIOS, custom_mode=False, prompt="d" * 200),
         mended=changed(SUNOAPI_AXIOS, custom_mode=False, prompt="d" * 199)),
    Case("sunoapi", "description-prompt-less-than-200-characters", how="custom-mode-absent",
         broken={"prompt": "🎵" * 200},
         mended={"prompt": "🎵" * 199}),
]  # fmt: skip


def operation_of(case: Case) -> str:
    return SPEC_RULES[(case.vendor, case.rule)].operation


def model_of(vendor: str, operation: str) -> type[BaseModel]:
    model: type[BaseModel] = getattr(
        suno_clients.vendor_module(vendor), request_bodies(vendor)[operation].rsplit("/", 1)[-1]
    )
    return model


def jsonschema_says_valid(vendor: str, operation: str, payload: Any) -> bool:
    checker = Draft202012Validator(
        {"$ref": request_bodies(vendor)[operation], "components": spec(vendor)["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    valid: bool = checker.is_valid(payload)
    return valid


# -- every rule, both ways ------------------------------------------------------------------------------------------


def test_every_rule_in_the_specs_has_a_case() -> None:
    covered = {(case.vendor, case.rule) for case in CASES}
    assert sorted(set(SPEC_RULES) - covered) == []


def test_every_case_names_a_rule_of_its_spec() -> None:
    assert sorted({(case.vendor, case.rule) for case in CASES} - set(SPEC_RULES)) == []


def test_the_rule_walk_finds_at_least_the_rules_known_today() -> None:
    # guards the meta-test above: a walk that found nothing would make it pass vacuously
    per_vendor = {vendor: sum(1 for v, _ in SPEC_RULES if v == vendor) for vendor in suno_clients.VENDORS}
    known_today = {"crun": 4, "gptge": 3, "relay": 4, "sunoapi": 3, "sunor": 14}
    assert all(per_vendor[vendor] >= n for vendor, n in known_today.items()), per_vendor
    assert ("crun", "v4-tags-and-lyrics-max-length") in SPEC_RULES  # inside a $ref'd nested component


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_payload_breaking_one_rule_fails_with_that_rule_and_its_message(case: Case) -> None:
    violations = suno_clients.validate(case.vendor, operation_of(case), case.broken)
    assert violations, "the broken payload passed"
    assert {v.rule for v in violations} == {case.rule}, [str(v) for v in violations]
    description = SPEC_RULES[(case.vendor, case.rule)].description
    for v in violations:
        assert description in v.message


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_mended_payload_passes(case: Case) -> None:
    assert suno_clients.validate(case.vendor, operation_of(case), case.mended) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jsonschema_agrees_with_each_case_both_ways(case: Case) -> None:
    operation = operation_of(case)
    assert not jsonschema_says_valid(case.vendor, operation, case.broken)
    assert jsonschema_says_valid(case.vendor, operation, case.mended)


# -- strict JSON ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StrictCase:
    """A payload that is wrong as JSON (not by a rule), and the one violation it must give."""

    vendor: str
    operation: str
    payload: Any
    path: str
    keyword: str
    message: str
    how: str

    @property
    def id(self) -> str:
        return f"{self.vendor}/{self.operation}:{self.how}"


STRICT_CASES: Final = [
    StrictCase("crun", "create_task", input_changed(CRUN_CURL, instrumental="false"),
               "$.input.instrumental", "type", "must be a boolean (true or false), not string", '"false"-for-false'),
    StrictCase("sunor", "create_task", input_changed(SUNOR_INSPIRATION, make_instrumental="true"),
               "$.input.make_instrumental", "type", "must be a boolean (true or false), not string", '"true"-for-true'),
    # (without the lyrics: a custom_mode that is not `true` is not Custom Mode, and 576 characters of lyrics would
    # also break description-prompt-less-than-200-characters)
    StrictCase("sunoapi", "create", changed(SUNOAPI_AXIOS, prompt=DROP, custom_mode="false"),
               "$.custom_mode", "type", "must be a boolean (true or false), not string", '"false"-for-false'),
    StrictCase("sunoapi", "create", changed(SUNOAPI_AXIOS, prompt=DROP, custom_mode=1),
               "$.custom_mode", "type", "must be a boolean (true or false), not integer", "1-for-true"),
    StrictCase("sunor", "create_task", input_changed(SUNOR_CONTINUATION, continue_at="30"),
               "$.input.continue_at", "type", "must be a number, not string", '"30"-for-30'),
    StrictCase("relay", "submit_music", changed(RELAY_EXTEND, continue_at="120.00"),
               "$.continue_at", "type", "must be a number, not string", '"120.00"-for-120.00'),
    StrictCase("sunor", "create_task", input_changed(SUNOR_CONTINUATION, continue_at=True),
               "$.input.continue_at", "type", "must be a number, not boolean", "true-for-a-number"),
    StrictCase("crun", "create_task", input_changed(CRUN_CURL, style_weight=None),
               "$.input.style_weight", "type", "must be a number, not null", "null-for-a-number"),
    StrictCase("sunor", "create_task", input_changed(SUNOR_UDIO, seed=4.5),
               "$.input.seed", "type", "must be an integer, not number", "4.5-for-an-integer"),
    StrictCase("crun", "create_task", input_changed(CRUN_CUSTOM, titel="Midnight Addiction"),
               "$.input.titel", "additionalProperties", "unknown field 'titel'", "unknown-input-field"),
    StrictCase("gptge", "submit_music", changed(GPTGE_INSPIRATION, model="chirp-v3-0"),
               "$.model", "additionalProperties", "unknown field 'model'", "unknown-field"),
    StrictCase("sunoapi", "create", changed(SUNOAPI_AXIOS, **{"custom mode": True}),
               '$["custom mode"]', "additionalProperties", "unknown field 'custom mode'", "unknown-field-odd-name"),
]  # fmt: skip

NOT_OBJECTS: Final = [[], [SUNOAPI_AXIOS], "{}", 0, 1.5, True, None]


def create_operations() -> list[tuple[str, str]]:
    return [(vendor, operation) for vendor in suno_clients.VENDORS for operation in request_bodies(vendor)]


@pytest.mark.parametrize("case", STRICT_CASES, ids=lambda c: c.id)
def test_json_types_are_strict_and_unknown_fields_are_violations(case: StrictCase) -> None:
    violations = suno_clients.validate(case.vendor, case.operation, case.payload)
    assert [(v.path, v.keyword, v.message, v.rule) for v in violations] == [
        (case.path, case.keyword, case.message, None)
    ]
    assert str(violations[0]) == f"{case.path}: {case.message} [{case.keyword}]"


@pytest.mark.parametrize(("vendor", "operation"), create_operations())
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
    """What the model's ValidationError must carry: one line per violation of validate(), same wording."""
    out: list[tuple[tuple[int | str, ...], str]] = []
    for v in suno_clients.validate(vendor, operation, payload):
        loc = tuple(
            int(part[1:-1]) if part.startswith("[") and part[1:-1].isdigit() else part.strip('[]"')
            for part in v.path.removeprefix("$").replace("[", ".[").split(".")
            if part
        )
        out.append((loc, f"{v.message} [{v.rule or v.keyword}]"))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_request_model_rejects_a_broken_payload_with_the_messages_of_validate(case: Case) -> None:
    operation = operation_of(case)
    with pytest.raises(ValidationError) as raised:
        model_of(case.vendor, operation)(**copy.deepcopy(case.broken))
    expected = expected_messages(case.vendor, operation, case.broken)
    assert expected
    assert messages_of(raised.value) == expected


@pytest.mark.parametrize("case", STRICT_CASES, ids=lambda c: c.id)
def test_the_request_model_rejects_wrong_json_types_with_the_messages_of_validate(case: StrictCase) -> None:
    with pytest.raises(ValidationError) as raised:
        model_of(case.vendor, case.operation).model_validate(copy.deepcopy(case.payload))
    assert messages_of(raised.value) == expected_messages(case.vendor, case.operation, case.payload)
    assert case.message in str(raised.value)


@pytest.mark.parametrize(("vendor", "operation"), create_operations())
def test_the_request_model_rejects_a_payload_that_is_not_an_object(vendor: str, operation: str) -> None:
    with pytest.raises(ValidationError) as raised:
        model_of(vendor, operation).model_validate(["not", "an", "object"])
    assert messages_of(raised.value) == [((), "must be an object, not array [type]")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_the_request_model_accepts_the_mended_payload(case: Case) -> None:
    model = model_of(case.vendor, operation_of(case))
    assert isinstance(model(**copy.deepcopy(case.mended)), model)
