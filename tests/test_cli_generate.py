"""The `sunogen` console script for generate and check: whole processes, which leave without interpreter teardown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import GENERATED, ROOT, SPECS


def _sunogen(*args: str) -> subprocess.CompletedProcess[str]:
    code = "from sunogen.cli import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120
    )


def test_generate_writes_every_file_and_its_summary_line_survives_the_hard_exit(tmp_path: Path) -> None:
    done = _sunogen("generate", "--specs", str(SPECS), "--out", str(tmp_path))
    assert (done.returncode, done.stderr) == (0, "")
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert done.stdout == f"sunogen: {len(written)} files in {tmp_path}/, {len(written)} changed\n"
    assert (tmp_path / "suno_clients" / "crun" / "models.py").read_text() == (
        GENERATED / "suno_clients" / "crun" / "models.py"
    ).read_text()


def test_check_of_a_stale_folder_prints_every_stale_file_and_exits_1(tmp_path: Path) -> None:
    done = _sunogen("check", "--specs", str(SPECS), "--out", str(tmp_path))
    assert done.returncode == 1
    *lines, summary = done.stdout.splitlines()
    count = sum(1 for p in GENERATED.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert len(lines) == count
    assert all(line.endswith(": stale (run `make generate`)") for line in lines)
    assert summary == f"sunogen: {count} of {count} files in {tmp_path}/ stale"


def test_a_spec_error_reaches_stderr_before_the_hard_exit(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("openapi: 3.1.0\ninfo: [\n")
    done = _sunogen("generate", "--specs", str(tmp_path), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert done.stderr.endswith("sunogen: 1 error(s); nothing written\n")
    assert not (tmp_path / "out").exists()


def test_under_cprofile_the_command_exits_normally_so_the_profile_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "profile.out"
    script = "import sys; from sunogen.cli import run; sys.argv[0] = 'sunogen'; run()"
    (tmp_path / "script.py").write_text(script)
    argv = ["-m", "cProfile", "-o", str(profile), str(tmp_path / "script.py"), "check", "--out", str(GENERATED)]
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert profile.stat().st_size > 0
