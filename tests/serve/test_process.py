"""The `sunogen serve` process: it announces its URL, exits 0 on SIGTERM and Ctrl-C, keeps tasks across a restart
with --db, and refuses what it cannot serve with an error and no traceback."""

from __future__ import annotations

import shutil
import signal
import socket
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import suno_clients
from sunogen.cli import main
from sunogen.serve.store import SqliteStore
from sunogen.serve.timeline import Task

from .harness import SPECS, Running, auth_headers, create_raw, creates, emulator, start, vendors, wav_seconds

Serve = Callable[[str], Running]
VENDOR = vendors()[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_server_stops_cleanly_on_a_signal_and_says_so(sig: signal.Signals) -> None:
    running = start(VENDOR)
    assert running.url.startswith("http://127.0.0.1:")
    assert httpx.get(f"{running.url}/_sunogen/media/none/0.wav").status_code == 404  # it answers
    assert running.stop(sig) == 0
    assert running.lines[-1] == f"sunogen: stopped ({sig.name})"
    assert "Traceback" not in running.output


def test_port_zero_gets_a_free_port_and_the_printed_url_names_it() -> None:
    with emulator(VENDOR) as first, emulator(VENDOR) as second:
        assert first.url != second.url
        for running in (first, second):
            port = int(running.url.rsplit(":", 1)[1])
            assert port > 0
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass


def test_a_task_created_before_a_restart_with_db_is_found_after_it(tmp_path: Path) -> None:
    db = tmp_path / "tasks.sqlite"
    finished_create = creates(VENDOR)[0]
    with emulator(VENDOR, "--db", str(db), "--task-seconds", "0") as before:
        finished = create_raw(before, finished_create)
    with emulator(VENDOR, "--db", str(db), "--task-seconds", "3600") as before:
        running_id = create_raw(before, finished_create)
    module = suno_clients.vendor_module(VENDOR)
    with emulator(VENDOR, "--db", str(db)) as after, module.Client(api_key="k", base_url=after.url) as client:
        result = client.wait(finished, poll_interval=0.05, timeout=30)
        assert len(result.clips) == 2
        assert wav_seconds(httpx.get(result.clips[0].audio_url).content) == result.clips[0].duration
        with pytest.raises(suno_clients.vendor_module(VENDOR).TaskTimeoutError):
            client.wait(running_id, poll_interval=0.05, timeout=0.3)  # still running: it keeps its hour


def test_a_task_is_not_found_after_a_restart_without_db() -> None:
    create = creates(VENDOR)[0]
    with emulator(VENDOR) as before:
        task_id = create_raw(before, create)
    module = suno_clients.vendor_module(VENDOR)
    with (
        emulator(VENDOR) as after,
        module.Client(api_key="k", base_url=after.url, max_retries=0) as client,
        pytest.raises(module.NotFoundError),
    ):
        client.wait(task_id, poll_interval=0.05, timeout=5)


def test_the_sqlite_store_keeps_each_vendors_tasks_apart_and_what_was_called_back(tmp_path: Path) -> None:
    task = Task("t-1", "create", 1000.0, 1.0, False, None, "http://127.0.0.1:9", "http://127.0.0.1:9/h", None)
    store = SqliteStore(tmp_path / "db", "one")
    store.add(task)
    store.mark_delivered("t-1", "success:0")
    store.close()
    again, other = SqliteStore(tmp_path / "db", "one"), SqliteStore(tmp_path / "db", "two")
    assert again.get("t-1") == task
    assert again.delivered("t-1") == frozenset({"success:0"})
    assert again.with_callbacks() == [task]
    assert other.get("t-1") is None
    again.close()
    other.close()


# -- what it refuses, before it listens ------------------------------------------------------------------------


def _serve(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["serve", "--port", "0", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.err


def test_a_folder_without_specs_is_a_usage_error_saying_how_to_name_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, err = _serve(capsys, "--vendor", "crun", "--specs", str(tmp_path))
    assert status == 2
    assert "no <vendor>.yaml in" in err
    assert "--specs DIR" in err


def test_an_unknown_vendor_is_a_usage_error_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _serve(capsys, "--vendor", "nosuch", "--specs", str(SPECS))
    assert status == 2
    assert "no spec" in err
    assert all(vendor in err for vendor in vendors())


def test_a_broken_spec_is_refused_with_every_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (SPECS / f"{VENDOR}.yaml").read_text(encoding="utf-8")
    broken = text.replace("x-sunogen-envelope:", "x-sunogen-envelop:", 1)
    assert broken != text
    (tmp_path / f"{VENDOR}.yaml").write_text(broken, encoding="utf-8")
    status, err = _serve(capsys, "--vendor", VENDOR, "--specs", str(tmp_path))
    assert status == 1
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if row.startswith("x-sunogen-envelop:"))
    assert f"{tmp_path / VENDOR}.yaml:{line}:1: unknown-key:" in err
    assert "not serving" in err


def test_a_spec_changed_since_the_package_was_generated_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(SPECS / f"{VENDOR}.yaml", tmp_path / f"{VENDOR}.yaml")
    with (tmp_path / f"{VENDOR}.yaml").open("a", encoding="utf-8") as spec:
        spec.write("# a change\n")
    status, err = _serve(capsys, "--vendor", VENDOR, "--specs", str(tmp_path))
    assert status == 2
    assert "another version of this spec" in err
    assert "sunogen generate" in err


def test_a_db_that_is_not_the_emulators_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE accounts (id TEXT)")
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("these are not tasks\n" * 100, encoding="utf-8")
    for path in (other, not_sqlite):
        status, err = _serve(capsys, "--vendor", VENDOR, "--specs", str(SPECS), "--db", str(path))
        assert status == 2
        assert str(path) in err


def test_a_port_in_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        status = main(["serve", "--vendor", VENDOR, "--specs", str(SPECS), "--port", port])
    err = capsys.readouterr().err
    assert status == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err


def test_an_unknown_server_fault_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = _serve(capsys, "--vendor", VENDOR, "--specs", str(SPECS), "--fault", "meteor")
    assert status == 2
    assert "unknown fault 'meteor'" in err


def test_media_of_a_task_the_emulator_does_not_hold_is_404(serve: Serve) -> None:
    running = serve(VENDOR)
    task_id = create_raw(running, creates(VENDOR)[0])
    assert httpx.get(f"{running.url}/_sunogen/media/{task_id}/0.wav").status_code == 200
    for path in (f"{task_id}/2.wav", f"{task_id}/0.mp3", "nosuch/0.wav"):
        assert httpx.get(f"{running.url}/_sunogen/media/{path}").status_code == 404
    assert auth_headers(VENDOR)  # the media need no key: a player fetches them as the gateway's CDN serves them


def test_the_options_repr_shows_neither_the_api_key_nor_the_webhook_secret() -> None:
    from sunogen.serve.options import Options

    shown = repr(Options("crun", api_key="sk-TOPSECRET-1", webhook_secret="whsec-TOPSECRET-2"))
    assert "TOPSECRET" not in shown
