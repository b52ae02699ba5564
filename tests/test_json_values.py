"""What `validate()` accepts, the client can send: values JSON cannot carry are violations, anywhere in a payload.

NaN, the infinities (1e400 parses as one), integers longer than Python writes, lone surrogates, keys that are not
strings and Python values JSON has no word for are reported with keyword "json" at their exact path, never raised
(ValueError, UnicodeEncodeError, TypeError) at send time. tests/fixture_specs/freeform.yaml has the free-form
members (`meta: {}`, `settings: {type: object}`...) a schema walk does not look into.
"""

from __future__ import annotations

import copy
import datetime
import json
import math
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import suno_clients

from .conftest import examples
from .fixture_package import generated_package
from .reference import reference

EXAMPLE: dict[str, Any] = {
    "title": "a calm song",
    "weight": 0.5,
    "count": 3,
    "flag": True,
    "mode": "simple",
    "meta": {"any": [1, "two", None]},
    "settings": {"depth": 2},
    "values": [1, "a"],
    "labels": {"a": "b", "x1": 2},
    "pair": ["a", 2, {"b": None}],
}
HUGE = 10**5000


@pytest.fixture(scope="module")
def freeform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("freeform"), "freeform") as package:
        yield package


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    payload = copy.deepcopy(EXAMPLE)
    node: Any = payload
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return payload


def test_the_example_is_valid(freeform: ModuleType) -> None:
    assert freeform.validate("freeform", "create", EXAMPLE) == []


NAN = "NaN is not a JSON number"
DIGITS = "an integer of more than 4300 digits: Python's JSON encoder does not write it"


def _infinite(sign: str) -> str:
    return f"{sign}inf is not a JSON number: JSON has no infinity (a literal like 1e400 parses as one)"


def _surrogate(code: str) -> str:
    return f"holds a lone surrogate (U+{code}), which is not text JSON can carry"


CASES = [
    (("weight",), math.nan, ("$.weight", "json", NAN)),
    (("weight",), math.inf, ("$.weight", "json", _infinite(""))),
    (("weight",), -math.inf, ("$.weight", "json", _infinite("-"))),
    (("count",), HUGE, ("$.count", "json", DIGITS)),
    (("title",), "a\ud800b", ("$.title", "json", _surrogate("D800"))),
    (("meta", "any", 1), math.nan, ("$.meta.any[1]", "json", NAN)),
    (("meta",), {1: "a"}, ("$.meta", "json", "member name 1: JSON object keys are strings")),
    (("meta",), {"\udfff": 1}, ("$.meta", "json", "member name '\\udfff': " + _surrogate("DFFF"))),
    (("meta",), {"a": {"b", "c"}}, ("$.meta.a", "json", "set is not a JSON value")),
    (("meta",), b"bytes", ("$.meta", "json", "bytes is not a JSON value")),
    (("meta",), (1, 2), ("$.meta", "json", "a tuple is not a JSON value (a list is)")),
    (("meta",), datetime.date(2024, 5, 1), ("$.meta", "json", "date is not a JSON value")),
    (("settings", "deep"), [[-HUGE]], ("$.settings.deep[0][0]", "json", DIGITS)),
    (("settings",), {("a",): 1}, ("$.settings", "json", "member name ('a',): JSON object keys are strings")),
    (("values", 1), "\ud83c", ("$.values[1]", "json", _surrogate("D83C"))),
    (("labels", "z"), "\ud800", ("$.labels.z", "json", _surrogate("D800"))),
    (("pair", 2), {"b": math.nan}, ("$.pair[2].b", "json", NAN)),
    (("values",), (1, 2), ("$.values", "type", "must be an array, not tuple")),
]


def test_a_member_breaking_its_schema_and_json_gets_both_violations(freeform: ModuleType) -> None:
    found = freeform.validate("freeform", "create", _with(("labels", "b"), math.inf))
    assert [(v.path, v.keyword) for v in found] == [("$.labels.b", "type"), ("$.labels.b", "json")]


@pytest.mark.parametrize(
    ("path", "value", "reported"), CASES, ids=[f"{i}-{'.'.join(map(str, c[0]))}" for i, c in enumerate(CASES)]
)
def test_a_value_json_cannot_carry_is_a_violation_at_its_path(
    freeform: ModuleType, path: tuple[str | int, ...], value: Any, reported: tuple[str, str, str]
) -> None:
    found = freeform.validate("freeform", "create", _with(path, value))
    assert [(v.path, v.keyword, v.message) for v in found] == [reported]
    assert found[0].severity == "error"


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ('{"title": "x", "weight": 1e400}', ("$.weight", "json")),
        ('{"title": "x", "meta": [-1e400]}', ("$.meta[0]", "json")),
        ('{"title": "x\\ud800"}', ("$.title", "json")),
        ('{"title": "x", "settings": {"\\udc00": 1}}', ("$.settings", "json")),
        ('{"title": "x", "count": ' + "7" * 5000 + "}", ("$.count", "json")),
        ('{"title": ' + "7" * 5000 + "}", ("$.title", "type")),
    ],
    ids=["1e400", "-1e400-deep", "lone-surrogate", "surrogate-key", "5000-digits", "5000-digits-for-a-string"],
)
def test_json_text_with_such_a_value_is_a_violation_not_malformed_json(
    freeform: ModuleType, text: str, reported: tuple[str, str]
) -> None:
    found = freeform.validate_json("freeform", "create", text)
    assert [(v.path, v.keyword) for v in found] == [reported]


def test_an_integer_of_any_length_is_a_number_in_json_text() -> None:
    from suno_clients._runtime.jsontext import parse_json

    assert parse_json("[" + "9" * 5000 + ", -" + "1" * 9000 + "]")[0] == 10**5000 - 1
    assert parse_json("-" + "1" * 9000) == -(10**9000 - 1) // 9


def _step(node: Any, step: str | int) -> Any:
    """The member or item `step` of `node`, or None when an earlier change replaced what held it."""
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list) and isinstance(step, int) and step < len(node):
        return node[step]
    return None


NASTY = st.sampled_from(
    [math.nan, math.inf, -math.inf, "\ud800", "ok\udfff", {1: "a"}, {"\ud800": 1}, {(1, 2): 1}, {"a", "b"}, b"x",
     datetime.datetime(2024, 5, 1), HUGE, -HUGE, 10**300, 1e308, "é🎵", [math.nan], {"a": [math.inf]}, None, True]
)  # fmt: skip
"""Values a Python caller may put in a payload: most are not JSON, a few are JSON values near its edges."""

PLACES = [("meta",), ("meta", "any", 0), ("settings", "x"), ("values", 0), ("labels", "x1"), ("labels", "q"),
          ("pair", 2, "b"), ("weight",), ("count",), ("title",), ("flag",)]  # fmt: skip


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.sampled_from(PLACES), NASTY), min_size=1, max_size=3))
def test_whatever_validate_accepts_the_client_sends(
    freeform: ModuleType, changes: list[tuple[tuple[str | int, ...], Any]]
) -> None:
    payload = copy.deepcopy(EXAMPLE)
    for path, value in changes:
        node: Any = payload
        for step in path[:-1]:
            node = _step(node, step)
        last = path[-1]
        if isinstance(node, dict):
            node[last] = copy.deepcopy(value)
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last : last + 1] = [copy.deepcopy(value)]
    found = freeform.validate("freeform", "create", payload)  # never raises
    client_module = freeform.vendor_module("freeform")
    with respx.mock(assert_all_called=False) as router:
        route = router.post("https://freeform.invalid/create").respond(200, json={"code": 200, "data": {}})
        with client_module.Client(api_key="k" * 12) as client:
            if suno_clients.errors_only(found):
                with pytest.raises(client_module.RequestValidationError):
                    client.create(**payload)
                assert not route.called
            else:
                client.create(**payload)
                assert json.loads(route.calls.last.request.content) == json.loads(json.dumps(payload))


def test_an_integer_valued_float_is_an_integer_for_validate_jsonschema_and_the_model(freeform: ModuleType) -> None:
    # JSON Schema 2020-12: "a number with a zero fractional part is an integer", so 30.0 is a valid `count`.
    payload = {**EXAMPLE, "count": 30.0}
    assert freeform.validate("freeform", "create", payload) == []
    assert reference({"type": "integer"}).is_valid(30.0)
    assert freeform.vendor_module("freeform").CreateRequest.model_validate(payload).count == 30


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def test_a_string_is_text_exactly_when_strict_utf8_writes_it() -> None:
    from suno_clients._runtime.json_values import is_text

    # every code point alone, after a Latin-1, a BMP and an astral one (CPython stores each kind of string apart),
    # and surrogate pairs, which are two code points JSON's UTF-8 cannot carry, not one character
    singles = [chr(c) for c in range(0x110000)]
    mixed = [prefix + chr(c) + "a" for prefix in ("é", "’", "🎵") for c in range(0xD000, 0xE100)]
    pairs = [chr(high) + chr(low) for high in range(0xD800, 0xDC00, 17) for low in range(0xDC00, 0xE000, 13)]
    for text in [*singles, *mixed, *pairs]:
        assert is_text(text) is _encodes(text, "utf-8"), repr(text)
