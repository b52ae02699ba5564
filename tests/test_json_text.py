"""Parsing JSON text for offline validation: pydantic_core's parser, held to json.loads on every text."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import suno_clients
from suno_clients._runtime.jsontext import MalformedJSON, parse_json

from .conftest import examples


def _reject(name: str) -> Any:
    raise ValueError(name)


def _reference(data: str | bytes) -> tuple[bool, Any]:
    """What json.loads makes of a text, NaN and Infinity refused: (parsed, value)."""
    try:
        return True, json.loads(data, parse_constant=_reject)
    except (ValueError, RecursionError):
        return False, None


def _ours(data: str | bytes) -> tuple[bool, Any]:
    try:
        return True, parse_json(data)
    except MalformedJSON:
        return False, None


def _same(a: Any, b: Any) -> bool:
    """Equal as values and as Python types: 1 is not 1.0, True is not 1, -0.0 is not 0.0, key order counts."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=examples(1500), deadline=None)
@given(value=_values, ensure_ascii=st.booleans(), indent=st.sampled_from([None, 0, 2]), as_bytes=st.booleans())
def test_every_json_text_parses_to_exactly_what_json_loads_gives(
    value: Any, ensure_ascii: bool, indent: int | None, as_bytes: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
    data: str | bytes = text.encode("utf-8", "surrogatepass") if as_bytes else text
    reference = _reference(data)
    assert reference[0]
    ours = _ours(data)
    assert ours[0]
    assert _same(ours[1], reference[1])


_numbers = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][+-]?[0-9]{1,4})?\Z")


@settings(max_examples=examples(1500), deadline=None)
@given(number=_numbers)
@example(number="0.30000000000000004441")
@example(number="2.2250738585072011e-308")
@example(number="1e400")
@example(number="-0")
def test_every_number_parses_to_the_same_int_or_float_as_json_loads(number: str) -> None:
    assert _same(parse_json(number), json.loads(number))


_json_bytes = st.sampled_from(
    [
        b'{"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "a song"}}',
        b'[1, 2.5, -0, true, null, "\\u00e9\\ud83d\\ude00"]',
        b'{"a": {"b": [1, {"c": "d"}]}, "e": 1e5}',
    ]
)


@settings(max_examples=examples(3000), deadline=None)
@given(base=_json_bytes, position=st.integers(min_value=0, max_value=100), junk=st.binary(max_size=4))
@example(base=b'"x"', position=1, junk=b"\\ud800")
@example(base=b"[1]", position=0, junk=b"\xef\xbb\xbf")
@example(base=b"[1]", position=2, junk=b"NaN,")
@example(base=b'"a"', position=2, junk=b"\t")
@example(base=b"[1]", position=2, junk=b",")
def test_a_mangled_text_is_refused_or_accepted_exactly_as_json_loads_does(
    base: bytes, position: int, junk: bytes
) -> None:
    data = base[:position] + junk + base[position + len(junk) // 2 :]
    reference, ours = _reference(data), _ours(data)
    assert ours[0] == reference[0]
    assert _same(ours[1], reference[1])


@pytest.mark.parametrize(
    ("data", "value"),
    [
        pytest.param(b'\xef\xbb\xbf{"a": 1}', {"a": 1}, id="UTF-8 with a byte order mark"),
        pytest.param('{"a": 1}'.encode("utf-16"), {"a": 1}, id="UTF-16"),
        pytest.param(b'"\\ud800"', "\ud800", id="a lone surrogate escape"),
        pytest.param(b"[" * 300 + b"]" * 300, [[[]]], id="deeper than pydantic_core's 200 levels"),
    ],
)
def test_texts_pydantic_core_refuses_but_json_loads_accepts_still_parse(data: bytes, value: Any) -> None:
    parsed = parse_json(data)
    if isinstance(value, list):
        for _ in range(299):
            assert isinstance(parsed, list)
            assert len(parsed) == 1
            parsed = parsed[0]
        assert parsed == []
    else:
        assert _same(parsed, value)


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (b'{"a": NaN}', "NaN is not valid JSON", None),
        (b"-Infinity", "-Infinity is not valid JSON", None),
        (b'{"a": 1,}', "Expecting property name enclosed in double quotes", (1, 9)),
        (b"[1]\n x", "Extra data", (2, 2)),
        (b'"\xff"', "'utf-8' codec can't decode byte 0xff in position 1: invalid start byte", None),
        (b"[" * 100_000, "nested too deeply", None),
    ],
)
def test_a_text_that_is_not_json_raises_malformed_json_with_where_it_breaks(
    data: bytes, message: str, where: tuple[int, int] | None
) -> None:
    with pytest.raises(MalformedJSON) as caught:
        parse_json(data)
    assert caught.value.msg == message
    assert (caught.value.lineno, caught.value.colno) == (where or (None, None))
    assert isinstance(caught.value, ValueError)


def test_validate_json_reports_what_validate_reports_on_the_parsed_payload() -> None:
    payload = {"model": "suno/music-generate", "input": {"mode": "custom", "instrumental": "false"}, "extra": 1}
    data = json.dumps(payload).encode()
    violations = suno_clients.validate_json("crun", "create_task", data)
    assert violations == suno_clients.validate("crun", "create_task", payload)
    assert len(violations) == 5
    valid = '{"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "a calm song"}}'
    assert suno_clients.validate_json("crun", "create_task", valid) == []


def test_validate_json_refuses_malformed_json_and_unknown_operations() -> None:
    with pytest.raises(suno_clients.MalformedJSON):
        suno_clients.validate_json("crun", "create_task", b'{"model": NaN}')
    with pytest.raises(KeyError, match="crun has no operation 'nope'"):
        suno_clients.validate_json("crun", "nope", b"{}")
    with pytest.raises(KeyError, match="unknown vendor 'nope'"):
        suno_clients.validate_json("nope", "create_task", b"{}")


def test_importing_suno_clients_leaves_the_parser_unimported_until_validate_json_runs() -> None:
    code = (
        "import sys, suno_clients\n"
        "before = 'pydantic_core' in sys.modules\n"
        "suno_clients.validate_json('crun', 'create_task', b'{}')\n"
        "print(before, 'pydantic_core' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True", "False"]


@pytest.mark.parametrize("validate", [suno_clients.validate, suno_clients.validate_json])
def test_an_unknown_vendor_or_operation_gets_the_same_key_error_once_its_vendor_is_loaded(validate: Any) -> None:
    # the fast path reads the loaded validators; what it does not find must still go the long way and its words
    body = b'{"model": "suno/music-generate"}' if validate is suno_clients.validate_json else {"model": 1}
    for _ in range(2):
        assert validate("crun", "create_task", body)  # loads crun's validators, then finds them loaded
        with pytest.raises(KeyError, match=r"crun has no operation 'nope' with a request body; try one of \["):
            validate("crun", "nope", body)
        with pytest.raises(KeyError, match="unknown vendor 'nope'; try one of crun, "):
            validate("nope", "create_task", body)
        with pytest.raises(KeyError, match=r"unknown vendor \['crun'\]"):
            validate(["crun"], "create_task", body)
