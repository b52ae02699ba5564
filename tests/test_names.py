"""Name mangling: how the generator turns the names a spec uses into Python names, on small hand-written inputs.

Parameter names become keyword arguments (build.python_name), JSON keys become parts of TypedDict class names
(pytypes.pascal, and the place of an inline object), schema nodes become validator function and constant names
(rules.module), and spec file names become module names (load.vendor_id_problem).
"""

from __future__ import annotations

import keyword

import pytest

from sunogen.build import python_name, schema
from sunogen.ir import Component
from sunogen.load import vendor_id_problem
from sunogen.pytypes import _inline_name, pascal, pointer_text
from sunogen.rules.module import Module, snake


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("task_id", "task_id"),
        ("taskId", "task_id"),  # camelCase is split at each capital that follows a small letter or a digit
        ("taskID", "task_id"),  # a run of capitals is one word
        ("HTTPStatus", "httpstatus"),
        ("v4Model", "v4_model"),
        ("from", "from_"),  # a keyword gets an underscore after it, as PEP 8 says
        ("class", "class_"),
        ("None", "none"),  # lowercased first: `none` is no keyword
        ("match", "match"),  # a soft keyword is a good parameter name
        ("a-b.c", "a_b_c"),  # what is not a word character becomes an underscore
        ("x y", "x_y"),
        ("2nd", "_2nd"),  # an identifier cannot start with a digit
        ("3-d", "_3_d"),
        ("café", "café"),  # letters of any script are word characters and stay
        ("日本", "日本"),
        ("_private", "_private"),
    ],
)
def test_a_parameter_name_becomes_a_python_keyword_argument(name: str, expected: str) -> None:
    assert python_name(name) == expected


@pytest.mark.parametrize("name", ["2nd", "from", "class", "a-b", "x.y", "$", "--", "9", "lambda", "é-1"])
def test_every_python_name_is_an_identifier_and_no_keyword(name: str) -> None:
    made = python_name(name)
    assert made.isidentifier(), made
    assert not keyword.iskeyword(made), made


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("callback_url", "CallbackUrl"),
        ("a.b-c", "ABC"),
        ("x__y", "XY"),  # runs of separators are one break
        ("camelCase", "CamelCase"),  # only the first letter of each part is raised
        ("2nd", "2nd"),  # a part of a name, never its start: digits may lead
        ("café-au-lait", "CafAuLait"),  # letters outside ASCII are left out of class names
        ("", ""),
    ],
)
def test_a_json_key_becomes_a_part_of_a_class_name(name: str, expected: str) -> None:
    assert pascal(name) == expected


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/components/schemas/Create/properties/input", "CreateInputParams"),
        ("/components/schemas/Create/properties/input/properties/voice_style", "CreateInputVoiceStyleParams"),
        ("/components/schemas/Create/properties/clips/items", "CreateClipsItemParams"),
        ("/components/schemas/Create/properties/meta/anyOf/1", "CreateMetaOption2Params"),
        ("/components/schemas/Create/properties/a~1b", "CreateABParams"),  # an escaped `/` in a key
    ],
)
def test_an_inline_object_is_named_by_the_place_it_sits_at(pointer: str, expected: str) -> None:
    assert _inline_name(pointer) == expected


def test_a_pointer_is_shown_with_dots_and_its_escapes_undone() -> None:
    assert pointer_text("/components/schemas/X/properties/a~1b~0c") == "components.schemas.X.properties.a/b~c"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("v4-tags-max-length", "v4_tags_max_length"), ("a.b", "a_b"), ("--x--", "x"), ("", "_"), ("--", "_")],
)
def test_a_rule_id_or_key_becomes_a_validator_name_part(text: str, expected: str) -> None:
    assert snake(text) == expected


def _module(**properties: object) -> tuple[Module, Component]:
    node = {"type": "object", "properties": properties}
    component = Component("Req", schema(node, "/components/schemas/Req", rules=True), True)
    return Module("specs/x.yaml", (component,)), component


def test_validator_names_follow_the_spec_and_two_keys_that_read_alike_get_a_number() -> None:
    module, component = _module(**{"a-b": {"type": "string"}, "a_b": {"type": "string"}, "from": {"type": "integer"}})
    properties = dict(component.schema.members("properties"))
    assert module.name(component.schema) == "Req"
    assert module.name(properties["a-b"]) == "Req_a_b"
    assert module.name(properties["a_b"]) == "Req_a_b_2"
    assert module.name(properties["from"]) == "Req_from"  # a part of a longer name: no keyword to avoid
    assert module.function("check", properties["a_b"], lambda w, n: None) == "_check_Req_a_b_2"


def test_a_named_rule_names_its_node_by_the_rule_id() -> None:
    rule = {"title": "custom-needs-prompt", "description": "mode=custom: prompt is required.", "required": ["p"]}
    node = {"type": "object", "properties": {"p": {"type": "string"}}, "allOf": [rule]}
    component = Component("Req", schema(node, "/components/schemas/Req", rules=True), True)
    module = Module("specs/x.yaml", (component,))
    (branch,) = component.schema.schemas("allOf")
    assert module.name(branch) == "custom_needs_prompt"
    assert branch.rule is not None
    assert module.rule(branch, branch.rule) == "_rule_custom_needs_prompt"


@pytest.mark.parametrize(
    ("file", "problem"),
    [
        ("crun.yaml", None),
        ("my_vendor2.yaml", None),
        ("my-vendor.yaml", "rename my-vendor.yaml to my_vendor.yaml"),
        ("Crun.yaml", "rename Crun.yaml to crun.yaml"),
        ("2fast.yaml", "is not a vendor id"),
        ("crun.yml", "rename crun.yml to crun.yaml"),
        ("class.yaml", "is a Python keyword"),
        ("match.yaml", "is a Python keyword"),  # a soft keyword too: `import suno_clients.match` reads badly
        ("vendör.yaml", "is not a vendor id"),
    ],
)
def test_a_spec_file_name_names_a_module_only_when_it_is_a_plain_lowercase_identifier(
    file: str, problem: str | None
) -> None:
    found = vendor_id_problem(file)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
