"""Warnings: a rule the spec marks `x-sunogen-severity: warning` is reported but never blocks a payload."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from types import ModuleType

import pytest
import respx

from sunogen.cli import main

from .fixture_package import generated_package

WARNED = {"mode": "simple", "prompt": "a calm song", "title": "Calm"}
BROKEN_AND_WARNED = {"mode": "custom", "title": "Calm"}


@pytest.fixture(scope="module")
def advice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("advice"), "advice") as package:
        yield package


def test_a_warning_rule_is_reported_with_severity_warning(advice: ModuleType) -> None:
    (found,) = advice.validate("advice", "create", WARNED)
    assert (found.path, found.rule, found.severity) == ("$", "title-only-used-in-custom-mode", "warning")
    assert str(found).endswith("[title-only-used-in-custom-mode] (warning)")
    assert found.as_dict()["severity"] == "warning"
    assert advice.errors_only([found]) == []


def test_an_error_rule_keeps_severity_error_next_to_a_warning(advice: ModuleType) -> None:
    found = advice.validate("advice", "create", {"mode": "custom", "title": "Calm"})
    assert [(v.rule, v.severity) for v in found] == [("custom-needs-prompt", "error")]
    both = advice.validate("advice", "create", {"mode": "simple", "title": "Calm", "prompt": 3})
    assert sorted(v.severity for v in both) == ["error", "warning"]


def test_the_client_sends_a_request_with_only_warnings_and_logs_each(
    advice: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(assert_all_called=True) as router:
        route = router.post("https://advice.invalid/create").respond(200, json={"code": 200, "data": {"task_id": "t"}})
        with (
            caplog.at_level(logging.WARNING, logger="suno_clients"),
            advice.vendor_module("advice").Client(api_key="k" * 12) as client,
        ):
            client.create(**WARNED)
    assert json.loads(route.calls.last.request.content) == WARNED
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "title-only-used-in-custom-mode" in caplog.records[0].getMessage()


def test_the_client_refuses_a_request_with_an_error_and_lists_only_the_errors(advice: ModuleType) -> None:
    payload = {"mode": "simple", "title": "Calm", "prompt": 3}
    with respx.mock(assert_all_called=False) as router:
        route = router.post("https://advice.invalid/create")
        with (
            advice.vendor_module("advice").Client(api_key="k" * 12) as client,
            pytest.raises(advice.vendor_module("advice").RequestValidationError) as e,
        ):
            client.create(**payload)
    assert not route.called
    assert [v.severity for v in e.value.violations] == ["error"]


def test_the_request_model_accepts_a_payload_with_only_warnings(advice: ModuleType) -> None:
    model = advice.vendor_module("advice").CreateRequest(**WARNED)
    assert model.title == "Calm"


@pytest.mark.parametrize(
    ("flags", "status", "summary"),
    [((), 0, "valid, 1 warning(s)"), (("--strict",), 1, "valid, 1 warning(s)")],
    ids=["default", "strict"],
)
def test_the_cli_prints_warnings_and_fails_on_them_only_with_strict(
    advice: ModuleType, flags: tuple[str, ...], status: int, summary: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", "--vendor", "advice", "--operation", "create", *flags, "-"]
    assert main(argv, stdin=io.StringIO(json.dumps(WARNED))) == status
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"-: {summary}"
    assert lines[1].endswith("(warning)")


def test_the_cli_json_report_calls_a_payload_with_only_warnings_valid(
    advice: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["validate", "--vendor", "advice", "--operation", "create", "--json", "-"]
    assert main(argv, stdin=io.StringIO(json.dumps(WARNED))) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert [v["severity"] for v in report["violations"]] == ["warning"]
