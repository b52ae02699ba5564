"""The loader: the same document yaml.safe_load reads, plus where each node stands."""

from __future__ import annotations

import pytest
import yaml

from sunogen.load import Mark, load

from .conftest import SPECS

SCALARS = """\
plain: text
quoted: "true"
tagged: !!str 5
number: 5
real: 1.5
flag: true
nothing: null
list: [a, 2, false]
"""


@pytest.mark.parametrize("name", sorted(p.name for p in SPECS.glob("*.yaml")))
def test_every_spec_loads_to_the_document_yaml_safe_load_reads(name: str) -> None:
    text = (SPECS / name).read_text(encoding="utf-8")
    assert load(f"specs/{name}", text).document == yaml.safe_load(text)


def test_scalars_keep_their_yaml_types_and_quoted_or_tagged_ones_stay_strings() -> None:
    spec = load("specs/example.yaml", SCALARS)
    assert spec.document == yaml.safe_load(SCALARS)
    assert [type(v) for v in spec.document.values()] == [str, str, str, int, float, bool, type(None), list]
    assert spec.mark("/tagged") == Mark(3, 1)
    assert spec.mark("/list/1") == Mark(8, 11)
