"""The models child process: it answers in order, a failure in it is an error here, and it never outlives its use."""

from __future__ import annotations

import pytest

import sunogen
from sunogen.models import ModelsProcess

from .conftest import ROOT

SHAPES = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {"Song": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}},
}


def _request(name: str) -> dict[str, object]:
    document = {**SHAPES, "$defs": {name: SHAPES["$defs"]["Song"]}}  # type: ignore[index]
    return {"file": f"specs/{name.lower()}.yaml", "document": document, "bases": {name: "x.RequestModel"}}


def test_the_child_returns_each_vendors_models_in_the_order_sent() -> None:
    with ModelsProcess() as child:
        child.send([_request("Song"), _request("Clip")])
        models = child.results()
    assert [m.classes for m in models] == [("Song",), ("Clip",)]
    assert "class Clip(RequestModel):" in models[1].source


def test_a_failure_in_the_child_is_raised_here_not_hidden_or_waited_on_forever() -> None:
    with ModelsProcess() as child:
        child.send([{"file": "specs/broken.yaml"}])  # no document: the child's own code fails
        with pytest.raises(RuntimeError, match=r"sunogen\.models exited 1"):
            child.results()


def test_leaving_early_stops_the_child_that_was_never_sent_anything() -> None:
    child = ModelsProcess()
    assert child.running

    def a_stage_fails() -> None:
        with child:
            raise LookupError("a stage failed")

    with pytest.raises(LookupError):
        a_stage_fails()
    assert not child.running


def test_a_spec_error_leaves_no_models_process_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[ModelsProcess] = []
    original = ModelsProcess.__init__

    def remember(self: ModelsProcess) -> None:
        original(self)
        started.append(self)

    monkeypatch.setattr(ModelsProcess, "__init__", remember)
    broken = ROOT / "tests" / "specs_with_errors" / "duplicate_key.yaml"
    with pytest.raises(sunogen.SpecErrors):
        sunogen.generate({"specs/example.yaml": broken.read_text()})
    assert len(started) == 1
    assert not started[0].running
