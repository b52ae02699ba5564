"""Request bodies: what to_json makes of keyword fields and models, and which compiled rules a model has."""

from __future__ import annotations

import enum
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from sunogen.runtime.request_bodies import rules_of, to_json


class Tone(enum.StrEnum):
    WARM = "warm"


class Inner(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    style_weight: float | None = Field(default=None, alias="styleWeight")
    title: str | None = None


def test_a_plain_json_payload_comes_back_equal_but_copied() -> None:
    payload: dict[str, Any] = {
        "model": "v5",
        "input": {"prompt": "rain", "tags": ["lofi", "jazz"], "n": 2, "x": None, "on": True},
    }
    sent = to_json(payload)
    assert sent == payload
    sent["input"]["tags"].append("changed")
    assert payload["input"]["tags"] == ["lofi", "jazz"]


def test_a_model_among_keyword_fields_is_dumped_by_alias_with_only_the_fields_that_were_set() -> None:
    sent = to_json({"model": "v5", "input": Inner(style_weight=0.5), "more": [Inner(title="a")]})
    assert sent == {"model": "v5", "input": {"styleWeight": 0.5}, "more": [{"title": "a"}]}


def test_tuples_and_dict_subclasses_become_plain_lists_and_dicts() -> None:
    sent = to_json({"ids": ("a", "b"), "extra": OrderedDict(k=(1, 2))})
    assert sent == {"ids": ["a", "b"], "extra": {"k": [1, 2]}}
    assert type(sent["ids"]) is list
    assert type(sent["extra"]) is dict


def test_values_of_other_types_are_passed_through_for_the_validator_to_judge() -> None:
    marker = object()
    sent = to_json({"tone": Tone.WARM, "odd": marker})
    assert sent["tone"] is Tone.WARM
    assert sent["odd"] is marker


def test_a_model_from_outside_a_generated_package_has_no_rules() -> None:
    class Local:
        pass

    assert rules_of(Local) is None


def test_a_validators_module_that_fails_to_import_is_an_error_not_a_model_without_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "brokenclients"
    (package / "_validators").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_validators" / "__init__.py").write_text("")
    (package / "_validators" / "acme.py").write_text("import a_dependency_that_is_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    model = type("CreateRequest", (), {"__module__": "brokenclients.acme.models"})
    with pytest.raises(ModuleNotFoundError, match="a_dependency_that_is_not_installed"):
        rules_of(model)
    for name in [m for m in sys.modules if m.startswith("brokenclients")]:
        monkeypatch.delitem(sys.modules, name)
