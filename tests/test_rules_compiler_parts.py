"""The rules compiler's small parts on their own: the writer, the names taken from the spec, and negation."""

from __future__ import annotations

from sunogen import ir
from sunogen.rules.literals import negated
from sunogen.rules.module import Module
from sunogen.rules.writer import Writer


def test_a_block_that_says_nothing_is_dropped_with_its_header_and_setup() -> None:
    w = Writer()
    with w.block("def f(x):"):
        with w.block("if isinstance(x, str):", "v = x"):
            pass
        w.line("return True")
    assert w.text() == "def f(x):\n    return True"


def test_a_captured_writer_is_indented_where_it_is_extended() -> None:
    inner = Writer()
    with inner.block("if a:"):
        inner.line("b()")
    outer = Writer()
    with outer.block("def f():"):
        outer.extend(inner)
    assert outer.text() == "def f():\n    if a:\n        b()"


def test_an_if_opened_where_the_same_if_just_ended_continues_that_block() -> None:
    w = Writer()
    with w.block("def f(x):"):
        with w.block('if x["model"] == "udio":'):
            w.line("a()")
        with w.block('if x["model"] == "udio":'):
            w.line("b()")
        with w.block('if x["model"] == "suno":'):
            pass  # dropped: the udio block is still the last one
        with w.block('if x["model"] == "udio":'):
            w.line("c()")
    assert w.text() == 'def f(x):\n    if x["model"] == "udio":\n        a()\n        b()\n        c()'


def test_an_if_is_asked_again_after_anything_in_between_or_a_name_it_reads_was_bound() -> None:
    w = Writer()
    with w.block("if a:"):
        w.line("b()")
    w.line("c()")
    with w.block("if a:"):  # after a line of its own
        w.line("d()")
    with w.block("if a:", "v = x"):  # with setup
        w.line("e(v)")
    with w.block("if v:"):
        w.line("v = g()")
    with w.block("if v:"):  # the block before it bound v
        w.line("h()")
    with w.block("if a:"):
        w.line("i()")
    with w.block("else:"):
        w.line("j()")
    with w.block("if a:"):  # after an else
        w.line("k()")
    with w.block("def f():"), w.block("if a:"):
        w.line("l()")
    with w.block("if a:"):  # at another depth
        w.line("m()")
    headers = [text for text in w.text().splitlines() if not text.startswith(" ")]
    expected = "if a:|c()|if a:|if a:|if v:|if v:|if a:|else:|if a:|def f():|if a:"
    assert "|".join(headers) == expected


def _component(name: str, schema: ir.Schema) -> ir.Component:
    return ir.Component(name, schema, request=True)


def test_nodes_are_named_by_component_path_and_rule_and_names_never_collide() -> None:
    root = "/components/schemas/Body"
    rule = ir.Schema(f"{root}/allOf/0", (), ir.Rule("needs-a-title", "A title is needed."))
    odd = ir.Schema(f"{root}/properties/odd key")
    first = ir.Schema(f"{root}/properties/a_b")
    nested_b = ir.Schema(f"{root}/properties/a/properties/b")
    nested = ir.Schema(f"{root}/properties/a", (("properties", (("b", nested_b),)),))
    body = ir.Schema(root, (("properties", (("odd key", odd), ("a_b", first), ("a", nested))), ("allOf", (rule,))))
    module = Module("specs/x.yaml", (_component("Body", body),))
    assert [module.name(n) for n in (body, odd, first, nested_b, rule)] == [
        "Body",
        "Body_odd_key",
        "Body_a_b",
        "Body_a_b_2",  # Body/a/b would read like Body/a_b: the later one is numbered
        "needs_a_title",
    ]
    assert module.constant(body, "fields", "frozenset({'a'})") == "_Body_fields"
    assert module.constant(first, "fields", "frozenset({'a'})") == "_Body_a_b_fields"  # a constant per place
    assert module.rule(rule, rule.rule) == "_rule_needs_a_title"  # type: ignore[arg-type]


def test_a_negated_test_reads_plainly_and_never_doubles_its_not() -> None:
    assert negated('v == "custom"') == 'v != "custom"'
    assert negated('"a" in x') == '"a" not in x'
    assert negated("k not in _Body_fields") == "k in _Body_fields"
    assert negated("x is None") == "x is not None"
    assert negated("len(v) <= 200") == "len(v) > 200"
    assert negated("v <= 2.5") == "not v <= 2.5"  # not `v > 2.5`: NaN compares false both ways
    assert negated("not _valid_Body(x)") == "_valid_Body(x)"
    assert negated('(v == "a or b" or v == 1)') == '(v != "a or b" and v != 1)'


def test_a_negated_disjunction_reads_as_the_conjunction_of_its_negated_parts() -> None:
    # a rule's then-test: `if not (not isinstance(v, dict) or ...)` would read as a double negation
    assert negated('(not isinstance(v, dict) or "a" in v)') == '(isinstance(v, dict) and "a" not in v)'
    assert negated("(v is MISSING or _names.isdisjoint(v))") == "(v is not MISSING and not _names.isdisjoint(v))"
    assert negated("(a or (b and c))") == "not (a or (b and c))"  # a part would only get `not` before brackets
    assert negated("(a or b if c else d)") == "not (a or b if c else d)"
    assert negated("(a and b)") == "not (a and b)"
    assert negated("(f(a or b) or c)") == "(not f(a or b) and not c)"
    assert negated('x == "a == b"') == 'x != "a == b"'
