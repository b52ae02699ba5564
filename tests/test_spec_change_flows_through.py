"""A spec change flows through: edit a copy of a spec, regenerate into a temporary folder, import, see the change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import sunogen
from sunogen.write import write

from .conftest import GENERATED, SPECS


def _regenerate(tmp_path: Path, edit: tuple[str, str]) -> Path:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    crun = specs / "crun.yaml"
    text = crun.read_text()
    old, new = edit
    assert text.count(old) == 1, f"the edit's anchor must be unique: {old!r}"
    crun.write_text(text.replace(old, new))
    out = tmp_path / "out"
    write(sunogen.generate(sunogen.read_specs(specs)), out)
    return out


def _validate_in(out: Path, payload: object) -> list[dict[str, object]]:
    code = (
        "import json, sys, suno_clients\n"
        "assert suno_clients.__file__.startswith(sys.argv[1]), suno_clients.__file__\n"
        "found = suno_clients.validate('crun', 'create_task', json.loads(sys.argv[2]))\n"
        "print(json.dumps([v.as_dict() for v in found]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(out), json.dumps(payload)],
        env={"PYTHONPATH": str(out)},
        capture_output=True,
        text=True,
        check=True,
    )
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


SIMPLE = {"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "a calm song"}}


def test_a_field_added_to_a_copied_spec_is_accepted_by_the_regenerated_validator(tmp_path: Path) -> None:
    payload = {**SIMPLE, "input": {**SIMPLE["input"], "seed": 7}}  # type: ignore[dict-item]
    assert [v["keyword"] for v in _validate_in(GENERATED, payload)] == ["additionalProperties"]
    out = _regenerate(
        tmp_path,
        (
            "      properties:\n        mode:\n",
            "      properties:\n        seed:\n          type: integer\n        mode:\n",
        ),
    )
    assert _validate_in(out, payload) == []
    assert "seed: int | None" in (out / "suno_clients" / "crun" / "models.py").read_text()


def test_a_limit_tightened_in_a_copied_spec_rejects_what_it_accepted_before(tmp_path: Path) -> None:
    # a limit the spec's own examples keep (they must: a spec whose examples break its rules is refused)
    long_prompt = {**SIMPLE, "input": {**SIMPLE["input"], "prompt": "x" * 1001}}  # type: ignore[dict-item]
    assert _validate_in(GENERATED, long_prompt) == []
    out = _regenerate(
        tmp_path,
        (
            "        prompt:\n          type: string\n",
            "        prompt:\n          type: string\n          maxLength: 1000\n",
        ),
    )
    violations = _validate_in(out, long_prompt)
    assert [(v["path"], v["keyword"]) for v in violations] == [("$.input.prompt", "maxLength")]


def test_a_member_whose_name_needs_quoting_is_reported_at_a_quoted_json_path(tmp_path: Path) -> None:
    out = _regenerate(
        tmp_path,
        (
            "      properties:\n        mode:\n",
            '      properties:\n        "odd key":\n          type: integer\n        mode:\n',
        ),
    )
    payload = {**SIMPLE, "input": {**SIMPLE["input"], "odd key": "7"}}  # type: ignore[dict-item]
    violations = _validate_in(out, payload)
    assert [(v["path"], v["keyword"]) for v in violations] == [('$.input["odd key"]', "type")]
    assert _validate_in(out, {**SIMPLE, "input": {**SIMPLE["input"], "odd key": 7}}) == []  # type: ignore[dict-item]
