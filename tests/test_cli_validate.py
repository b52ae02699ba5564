"""`sunogen validate`: exit 0 valid, 1 invalid (every violation printed), 2 usage errors; offline and light."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sunogen.cli import main

VALID = {"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "a calm song"}}
INVALID = {"model": "suno/music-generate", "input": {"mode": "custom", "instrumental": "false"}, "extra": 1}


def _run(args: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    status = main(args, stdin=io.StringIO(stdin))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _write(tmp_path: Path, name: str, payload: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(payload))
    return str(path)


def test_a_valid_payload_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        ["validate", "--vendor", "crun", "--operation", "create_task", _write(tmp_path, "ok.json", VALID)], capsys
    )
    assert status == 0
    assert out.endswith("ok.json: valid\n")


def test_an_invalid_payload_exits_one_and_prints_every_violation_with_path_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, "bad.json", INVALID)
    status, out, _ = _run(["validate", "--vendor", "crun", "--operation", "create_task", bad], capsys)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == f"{bad}: 5 violation(s)"
    assert "  $.input.instrumental: must be a boolean (true or false), not string [type]" in lines
    assert any(line.startswith("  $.input.title: mode=custom: title and tags are required.") for line in lines)
    assert any(line.startswith("  $.input.lyrics: mode=custom and instrumental=false") for line in lines)
    assert "  $.extra: unknown field 'extra' [additionalProperties]" in lines


def test_several_files_exit_one_if_any_is_invalid_and_json_reports_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [_write(tmp_path, "a.json", VALID), _write(tmp_path, "b.json", INVALID)]
    status, out, _ = _run(["validate", "--vendor", "crun", "--operation", "create_task", "--json", *files], capsys)
    assert status == 1
    report = json.loads(out)
    assert [(r["file"], r["valid"]) for r in report] == [(files[0], True), (files[1], False)]
    extra = {
        "path": "$.extra",
        "keyword": "additionalProperties",
        "rule": None,
        "severity": "error",
        "message": "unknown field 'extra'",
    }
    assert extra in report[1]["violations"]


def test_a_dash_reads_the_payload_from_standard_input(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        ["validate", "--vendor", "crun", "--operation", "create_task", "-"], capsys, json.dumps(VALID)
    )
    assert (status, out) == (0, "-: valid\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vendor", "nope", "--operation", "create_task"], "unknown vendor 'nope'"),
        (["--vendor", "crun", "--operation", "get_task_info"], "crun has no operation 'get_task_info' with a body"),
        (["--vendor", "crun", "--operation", "nope"], "try one of create_persona, create_task"),
    ],
)
def test_an_unknown_vendor_or_operation_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, _, err = _run(["validate", *args, _write(tmp_path, "ok.json", VALID)], capsys)
    assert status == 2
    assert message in err


def test_malformed_json_is_a_usage_error_with_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "model": "suno/music-generate",\n  "input": {,}\n}')
    status, _, err = _run(["validate", "--vendor", "crun", "--operation", "create_task", str(path)], capsys)
    assert status == 2
    assert f"{path}:3:13: malformed JSON: Expecting property name enclosed in double quotes" in err


def test_nan_is_not_json_and_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"model": NaN}')
    status, _, err = _run(["validate", "--vendor", "crun", "--operation", "create_task", str(path)], capsys)
    assert status == 2
    assert "NaN is not valid JSON" in err


def test_an_unreadable_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(
        ["validate", "--vendor", "crun", "--operation", "create_task", str(tmp_path / "gone.json")], capsys
    )
    assert status == 2
    assert "cannot read" in err


def test_a_missing_argument_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["validate", "--vendor", "crun"])
    assert exited.value.code == 2


@pytest.mark.parametrize("payload", [[], "text", 3, None])
def test_a_payload_that_is_not_an_object_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: object
) -> None:
    status, out, _ = _run(
        ["validate", "--vendor", "crun", "--operation", "create_task", _write(tmp_path, "x.json", payload)], capsys
    )
    assert status == 1
    assert "$: must be an object" in out


def test_validate_imports_neither_the_generator_libraries_nor_pydantic_nor_httpx(tmp_path: Path) -> None:
    path = _write(tmp_path, "ok.json", VALID)
    code = (
        "import sys\n"
        "from sunogen.cli import main\n"
        f"status = main(['validate', '--vendor', 'crun', '--operation', 'create_task', {path!r}])\n"
        "heavy = {'jinja2', 'yaml', 'datamodel_code_generator', 'pydantic', 'httpx'} & set(sys.modules)\n"
        "print(sorted(heavy)); sys.exit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_importing_suno_clients_imports_no_vendor_module() -> None:
    code = "import sys, suno_clients; print(sorted(m for m in sys.modules if m.startswith('suno_clients.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = ["suno_clients._runtime", "suno_clients._runtime.missing", "suno_clients._runtime.violations"]
    assert done.stdout.strip() == str(expected)
