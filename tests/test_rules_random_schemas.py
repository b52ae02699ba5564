"""The rules compiler on random schemas: every schema the spec check accepts compiles, and agrees with jsonschema.

The vendor specs exercise the shapes the five gateways use; these exercise the keywords in every combination the
check allows (a property that constrains nothing, `items: {}`, nested if/then/else, $ref with siblings...), and
hold the valid pass to the violation pass on every node: a guard that wrongly says "valid" would hide violations.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sunogen.build import build
from sunogen.check import check
from sunogen.load import load
from sunogen.rules import compile_rules
from sunogen.rules.emitted import Emitted
from sunogen.rules.valid import ValidPass
from sunogen.rules.violations import ViolationPass

from .conftest import SPECS

NAMES = ("a", "b", "c")
TOP, AUX = "CreateMusicRequest", "Aux"  # sunoapi's create body, replaced; Aux is what $ref points at

_BASE = yaml.safe_load((SPECS / "sunoapi.yaml").read_text(encoding="utf-8"))
_media = _BASE["paths"]["/api/v1/suno/create"]["post"]["requestBody"]["content"]["application/json"]
_media.pop("examples", None)
_media.pop("example", None)

_scalars = st.sampled_from(["x", "y", "", "xx", 0, 1, 1.0, 1.5, 2, True, False, None])
_types = st.sampled_from(["string", "integer", "number", "boolean", "null", "object", "array"])


@st.composite
def _leaf(draw: st.DrawFn) -> dict[str, Any]:
    s: dict[str, Any] = {}
    kind = draw(st.sampled_from(["none", "one", "two"]))
    if kind == "one":
        s["type"] = draw(_types)
    elif kind == "two":
        s["type"] = draw(st.lists(_types, min_size=2, max_size=2, unique=True))
    optional = {
        "enum": st.lists(_scalars, min_size=1, max_size=3, unique_by=lambda v: (type(v), v)),
        "const": _scalars,
        "minLength": st.integers(0, 2),
        "maxLength": st.integers(0, 2),
        "minimum": st.sampled_from([0, 1, 1.5]),
        "exclusiveMaximum": st.sampled_from([2, 3]),
        "pattern": st.just("^x"),
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=2, unique=True)):
        s[key] = draw(optional[key])
    return s


def _schema(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return _leaf()

    @st.composite
    def node(draw: st.DrawFn) -> dict[str, Any]:
        s = draw(_leaf())
        child = _schema(depth - 1)
        keywords = draw(
            st.lists(
                st.sampled_from(
                    [
                        "properties", "required", "additionalProperties", "propertyNames", "dependentRequired",
                        "items", "minItems", "allOf", "anyOf", "oneOf", "not", "if", "rule", "$ref",
                    ]
                ),
                max_size=3,
                unique=True,
            )
        )  # fmt: skip
        for key in keywords:
            if key == "properties":
                names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
                s[key] = {n: draw(child | st.just({}) | st.just({"description": "free-form"})) for n in names}
            elif key == "required":
                s[key] = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True))
            elif key == "additionalProperties":
                s[key] = draw(st.booleans() | child)
            elif key == "propertyNames":
                s[key] = draw(st.sampled_from([{"enum": ["a", "b"]}, {"not": {"const": "c"}}, {"maxLength": 0}]))
            elif key == "dependentRequired":
                s[key] = {"a": ["b"]}
            elif key == "items":
                s[key] = draw(child | st.just({}))
            elif key == "minItems":
                s[key] = 1
            elif key in ("allOf", "anyOf", "oneOf"):
                s[key] = draw(st.lists(child, min_size=1, max_size=3))
            elif key == "not":
                s[key] = draw(child)
            elif key == "if":
                s["if"] = draw(child)
                for branch in draw(st.lists(st.sampled_from(["then", "else"]), max_size=2, unique=True)):
                    s[branch] = draw(child)
            elif key == "rule":
                s["title"] = f"rule-{draw(st.integers(0, 9))}"
                s["description"] = "the rule's message"
            else:
                s["$ref"] = f"#/components/schemas/{AUX}"
        return s

    return node()


_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
    max_leaves=8,
)


def _compiled(top: dict[str, Any], aux: dict[str, Any]) -> tuple[Any, Any, Any] | None:
    """The shipped validator, and the valid and violation passes of the top schema alone (None: the check refuses)."""
    spec = copy.deepcopy(_BASE)
    spec["components"]["schemas"][TOP] = top
    spec["components"]["schemas"][AUX] = aux
    loaded = load("specs/sunoapi.yaml", yaml.safe_dump(spec, sort_keys=False))
    if check(loaded):
        return None
    vendor = build(loaded)
    shipped = compile_rules(vendor)
    components = {c.name: c.schema for c in vendor.components}
    out = Emitted()
    valid = ValidPass(out, components)
    violations = ViolationPass(out, components, valid)
    is_valid = valid.ok(components[TOP], "payload")
    collect = violations.err(components[TOP], "payload", '"$"', checked=True)
    prelude = (
        "import re\n"
        "from suno_clients._runtime.violations import MISSING, NUMBER, Rule, Violation, is_uri, json_equal, json_type, "
        "path_index, path_key, violation\n"
    )
    namespace: dict[str, Any] = {}
    exec(
        compile(prelude + "\n".join(shipped.constants) + "\n\n" + "\n\n".join(shipped.functions), "shipped", "exec"),
        namespace,
    )
    passes: dict[str, Any] = {}
    source = (
        prelude
        + "\n".join(out.constants)
        + "\n\n"
        + "\n\n".join(out.functions)
        + f"\n\ndef is_valid(payload):\n    return {is_valid}\n\n"
        + "def collect(payload):\n    out = []\n    r = None\n"
        + "".join(f"    {line}\n" for line in collect)
        + "    return out\n"
    )
    exec(compile(source, "passes", "exec"), passes)
    return namespace[dict(shipped.entry_points)[TOP]], passes["is_valid"], passes["collect"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(top=_schema(3), aux=_schema(1), values=st.lists(_values, min_size=10, max_size=10))
def test_every_accepted_schema_compiles_and_judges_values_as_jsonschema_does(
    top: dict[str, Any], aux: dict[str, Any], values: list[Any]
) -> None:
    aux.pop("$ref", None)
    compiled = _compiled(top, aux)
    if compiled is None:
        return
    validate, is_valid, collect = compiled
    reference = json.loads(
        json.dumps({**top, "$defs": {AUX: aux}}).replace(f"#/components/schemas/{AUX}", "#/$defs/Aux")
    )
    jsonschema = Draft202012Validator(reference, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for value in values:
        ours = validate(value)
        theirs = [e.message for e in jsonschema.iter_errors(value)]
        assert (ours == []) == (theirs == []), f"ours: {[str(v) for v in ours]}; jsonschema: {theirs}; {value!r}"
        assert is_valid(value) is (collect(value) == []), f"the valid pass and the violation pass differ on {value!r}"
