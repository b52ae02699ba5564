"""`sunogen` behaves like a Unix tool: every file reported, worst status, JSON Lines as a stream, quiet on `| head`.

And `sunogen validate` reads exactly what `validate_json` reads: the same bytes give the same verdict, whatever the
encoding (UTF-8 with or without BOM, UTF-16/32 with BOM) and whatever the locale.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import suno_clients
from sunogen.cli import EXIT_BROKEN_PIPE, main

from .conftest import GENERATED, ROOT, SPECS
from .fixture_package import generated_package

VALID = {"model": "suno/music-generate", "input": {"mode": "simple", "prompt": "a calm song"}}
INVALID = {"model": "suno/music-generate", "input": {"mode": "custom", "instrumental": "false"}}
ARGS = ["validate", "--vendor", "crun", "--operation", "create_task"]
TEXT = json.dumps(VALID, ensure_ascii=False).replace("a calm song", "une chanson calme, é")


def sunogen(*args: str, stdin: bytes = b"", locale: str | None = None) -> subprocess.CompletedProcess[bytes]:
    """The console script as a whole process (its exit path included), under `locale` if given."""
    env = {**os.environ, "PYTHONIOENCODING": ""}
    if locale is not None:
        env |= {"LC_ALL": locale, "LANG": locale}
    code = "from sunogen.cli import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], input=stdin, capture_output=True, env=env, cwd=ROOT, timeout=120
    )


# -- the same inputs as validate_json -----------------------------------------------------------------------------

ENCODED = {
    "UTF-8": TEXT.encode("utf-8"),
    "UTF-8 with BOM": TEXT.encode("utf-8-sig"),
    "UTF-16 LE with BOM": b"\xff\xfe" + TEXT.encode("utf-16-le"),
    "UTF-16 BE with BOM": b"\xfe\xff" + TEXT.encode("utf-16-be"),
    "UTF-32 LE with BOM": b"\xff\xfe\x00\x00" + TEXT.encode("utf-32-le"),
    "UTF-32 BE with BOM": b"\x00\x00\xfe\xff" + TEXT.encode("utf-32-be"),
}
NOT_TEXT = {
    "invalid UTF-8 in a string": TEXT.encode().replace("é".encode(), b"\xff"),
    "a lone continuation byte": b"\x80" + TEXT.encode(),
    "truncated UTF-8": TEXT.encode()[:-1].replace(b"}", b"") + "é".encode()[:1],
}


def verdict_of_validate_json(data: bytes) -> int:
    try:
        violations = suno_clients.validate_json("crun", "create_task", data)
    except suno_clients.MalformedJSON:
        return 2
    return 1 if suno_clients.errors_only(violations) else 0


@pytest.mark.parametrize("data", [*ENCODED.values(), *NOT_TEXT.values()], ids=[*ENCODED, *NOT_TEXT])
def test_a_file_gets_the_verdict_validate_json_gives_its_bytes(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "payload.json"
    path.write_bytes(data)
    expected = 0 if data in ENCODED.values() else 2
    assert verdict_of_validate_json(data) == expected
    assert main([*ARGS, str(path)]) == expected


@pytest.mark.parametrize("data", [*ENCODED.values(), *NOT_TEXT.values()], ids=[*ENCODED, *NOT_TEXT])
def test_standard_input_in_the_c_locale_gets_the_verdict_validate_json_gives_its_bytes(data: bytes) -> None:
    done = sunogen(*ARGS, "-", stdin=data, locale="C")
    assert done.returncode == verdict_of_validate_json(data)
    if done.returncode == 2:
        assert b"Traceback" not in done.stderr
        assert len(done.stderr.decode().splitlines()) == 1
        assert done.stderr.startswith(b"sunogen: error: -: malformed JSON: ")


@pytest.mark.parametrize("data", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_file_that_is_not_utf8_is_exit_2_with_one_line_under_the_c_locale(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(data)
    done = sunogen(*ARGS, str(path), locale="C")
    assert done.returncode == 2
    assert done.stdout == b""
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith(f"sunogen: error: {path}: malformed JSON: 'utf-8' codec can't decode byte")


# -- every file is reported, the worst status wins ----------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_an_unreadable_or_malformed_file_among_many_hides_no_other_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.json", json.dumps(VALID))
    broken = write(tmp_path, "broken.json", '{"model": ')
    missing = str(tmp_path / "missing.json")
    bad = write(tmp_path, "bad.json", json.dumps(INVALID))
    status = main([*ARGS, good, broken, missing, bad])
    out, err = capsys.readouterr()
    assert status == 2
    assert out.splitlines()[0] == f"{good}: valid"
    assert f"{bad}: 4 violation(s)" in out.splitlines()
    assert err.splitlines() == [
        f"sunogen: error: {broken}:1:11: malformed JSON: Expecting value",
        f"sunogen: error: cannot read {missing}: No such file or directory",
    ]


@pytest.mark.parametrize(
    ("names", "status"),
    [
        (("good", "good"), 0),
        (("good", "bad"), 1),
        (("bad", "good"), 1),
        (("bad", "missing"), 2),
        (("missing", "good"), 2),
    ],
)
def test_the_exit_status_is_the_worst_of_the_files(
    names: tuple[str, ...], status: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"good": json.dumps(VALID), "bad": json.dumps(INVALID)}
    paths = [write(tmp_path, f"{name}.json", files[name]) if name in files else str(tmp_path / name) for name in names]
    assert main([*ARGS, *paths]) == status


def test_the_json_report_lists_a_file_that_could_not_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write(tmp_path, "good.json", json.dumps(VALID))
    missing = str(tmp_path / "missing.json")
    assert main([*ARGS, "--json", good, missing]) == 2
    report = json.loads(capsys.readouterr().out)
    assert [entry["file"] for entry in report] == [good, missing]
    assert report[1]["valid"] is False
    assert report[1]["error"].startswith("cannot read")


# -- JSON Lines -----------------------------------------------------------------------------------------------------

LINES = b"\n".join([json.dumps(VALID).encode(), json.dumps(INVALID).encode(), b"", b'{"model": ', b"[]"]) + b"\n"


def test_jsonl_gives_one_result_a_line_and_skips_blank_lines() -> None:
    done = sunogen(*ARGS, "--jsonl", "-", stdin=LINES)
    assert done.returncode == 2
    lines = done.stdout.decode().splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == ["-:1", "-:2", "-:4", "-:5"]
    assert lines[0] == "-:1: valid"
    assert lines[1].startswith("-:2: 4 violation(s): $.input.instrumental: must be a boolean")
    assert lines[2] == "-:4: malformed JSON: Expecting value at column 11"
    assert lines[3].startswith("-:5: 1 violation(s): $: must be an object")
    assert done.stderr == b""


def test_jsonl_with_json_prints_one_json_object_a_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(LINES)
    done = sunogen(*ARGS, "--jsonl", "--json", str(path))
    results = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert [(r["line"], r["valid"]) for r in results] == [(1, True), (2, False), (4, False), (5, False)]
    assert {r["file"] for r in results} == {str(path)}
    assert results[0]["violations"] == []
    assert results[2]["error"] == "malformed JSON: Expecting value at column 11"
    assert done.returncode == 2
    # every line in one form, valid or not: compact, as a JSON Lines reader may expect
    compact = [
        json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":"))
        for line in done.stdout.decode().splitlines()
    ]
    assert done.stdout.decode().splitlines() == compact


def test_jsonl_reads_a_file_with_a_bom_and_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode() + b"\r\n" + json.dumps(VALID).encode() + b"\r\n")
    done = sunogen(*ARGS, "--jsonl", str(path))
    assert (done.returncode, done.stdout.decode()) == (0, f"{path}:1: valid\n{path}:2: valid\n")


def test_jsonl_skips_a_line_of_spaces_and_counts_an_error_column_without_the_line_end(tmp_path: Path) -> None:
    path = tmp_path / "spaced.jsonl"
    path.write_bytes(b" \t \r\n" + b'{"model": \r\n' + b'{"model": \n' + b'{"model": ')  # the last with no end
    done = sunogen(*ARGS, "--jsonl", str(path))
    assert done.stdout.decode().splitlines() == [
        f"{path}:2: malformed JSON: Expecting value at column 11",
        f"{path}:3: malformed JSON: Expecting value at column 11",
        f"{path}:4: malformed JSON: Expecting value at column 11",
    ]


def test_jsonl_reads_several_files_and_reports_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_bytes(json.dumps(VALID).encode() + b"\n")
    done = sunogen(*ARGS, "--jsonl", str(tmp_path / "nope.jsonl"), str(path))
    assert done.returncode == 2
    assert done.stdout.decode() == f"{path}:1: valid\n"
    assert done.stderr.decode() == f"sunogen: error: cannot read {tmp_path / 'nope.jsonl'}: No such file or directory\n"


def test_jsonl_answers_each_line_before_the_input_ends() -> None:
    code = "from sunogen.cli import run; run()"
    with subprocess.Popen(
        [sys.executable, "-c", code, *ARGS, "--jsonl", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        # line-buffered would be too much to ask of a batch tool: enough lines to fill a pipe buffer's worth of output
        for _ in range(5000):
            process.stdin.write(json.dumps(VALID).encode() + b"\n")
        process.stdin.flush()
        assert process.stdout.readline() == b"-:1: valid\n"  # answered while stdin is still open
        process.stdin.close()
        rest = process.stdout.read().splitlines()
    assert process.returncode == 0
    assert len(rest) == 4999


def peak_memory_of_jsonl(lines: int) -> int:
    """The child's peak resident memory (kB) validating `lines` payloads from standard input."""
    # VmHWM, not getrusage's ru_maxrss: on Linux a child's ru_maxrss starts from its parent's, which holds the input
    code = (
        "import sys\n"
        "from sunogen.cli import main\n"
        "status = main(sys.argv[1:])\n"
        "sys.stdout.flush()\n"
        "peak = next(line for line in open('/proc/self/status') if line.startswith('VmHWM:'))\n"
        "print(peak.split()[1], file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    line = json.dumps(VALID).encode() + b"\n"
    done = subprocess.run(
        [sys.executable, "-c", code, *ARGS, "--jsonl", "-"],
        input=line * lines,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return int(done.stderr.decode().split()[-1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak from Linux's /proc")
def test_jsonl_memory_does_not_grow_with_the_number_of_lines() -> None:
    small, large = peak_memory_of_jsonl(2_000), peak_memory_of_jsonl(200_000)
    # 200,000 lines are 16 MB of input and 2 MB of output: holding either would show; streaming shows nothing
    assert large - small < 2_000


# -- a closed pipe, --version, check's summary ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", [["--jsonl"], ["--jsonl", "--json"]], ids=["text", "json"])
def test_a_reader_that_leaves_early_ends_the_command_quietly(mode: list[str]) -> None:
    code = "from sunogen.cli import run; run()"
    with subprocess.Popen(
        [sys.executable, "-c", code, *ARGS, *mode, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        assert process.stderr is not None

        def feed() -> None:
            assert process.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # the command may leave before reading it all, as it should
                process.stdin.write((json.dumps(VALID).encode() + b"\n") * 200_000)
            with contextlib.suppress(BrokenPipeError):
                process.stdin.close()

        writer = threading.Thread(target=feed)
        writer.start()
        process.stdout.readline()  # what `| head -1` reads, then it goes away
        process.stdout.close()
        err = process.stderr.read()
        writer.join()
    assert err == b""
    assert process.returncode == EXIT_BROKEN_PIPE


def test_head_on_a_shell_pipe_sees_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes((json.dumps(VALID).encode() + b"\n") * 100_000)
    script = (
        f"set -o pipefail; {sys.executable} -c 'from sunogen.cli import run; run()' "
        f"{' '.join(ARGS)} --jsonl {path} | head -n 2"
    )
    done = subprocess.run(["bash", "-c", script], capture_output=True, cwd=ROOT, timeout=120)
    assert done.stdout.decode() == f"{path}:1: valid\n{path}:2: valid\n"
    assert done.stderr == b""
    assert done.returncode == EXIT_BROKEN_PIPE


def test_version_prints_the_installed_version() -> None:
    from importlib.metadata import version

    done = sunogen("--version")
    assert (done.returncode, done.stdout.decode()) == (0, f"sunogen {version('sunogen')}\n")


def test_check_of_a_fresh_folder_prints_a_one_line_summary() -> None:
    done = sunogen("check", "--specs", str(SPECS), "--out", str(GENERATED))
    count = sum(1 for p in (GENERATED / "suno_clients").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert (done.returncode, done.stdout.decode()) == (0, f"sunogen: {count} files in {GENERATED}/ up to date\n")


# -- --strict in every mode -----------------------------------------------------------------------------------------

WARNED = {"mode": "simple", "prompt": "a calm song", "title": "Unused"}


@pytest.fixture(scope="module")
def advice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("advice"), "advice") as package:
        yield package


@pytest.mark.parametrize("mode", [[], ["--json"], ["--jsonl"], ["--jsonl", "--json"]], ids=str)
@pytest.mark.parametrize(("strict", "status"), [([], 0), (["--strict"], 1)], ids=["default", "strict"])
def test_strict_fails_on_warnings_in_every_mode(
    advice: ModuleType, mode: list[str], strict: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    assert advice.validate("advice", "create", WARNED)  # the payload has warnings and no error
    assert not advice.errors_only(advice.validate("advice", "create", WARNED))
    argv = ["validate", "--vendor", "advice", "--operation", "create", *mode, *strict, "-"]
    assert main(argv, stdin=io.StringIO(json.dumps(WARNED) + "\n")) == status
    assert "warning" in capsys.readouterr().out
