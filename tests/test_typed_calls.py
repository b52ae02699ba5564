"""Typed calls: mypy (as a library, with the project's configuration) checks the keyword fields of every call.

One mypy run covers every snippet: hand-written calls whose exact errors are asserted, each documented request
example of each spec written as a keyword call (and broken three ways), and every python block of README.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT
from .spec_files import VENDORS, spec_document

README = ROOT / "README.md"
ERROR = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z-]+)\])?$")

# Each call on a line of its own: the tests below find the errors by line.
GOOD_CALLS = '''\
"""Calls that type-check, with the types they return."""

from typing import Any, assert_type

import suno_clients
from suno_clients import NewTask, Song, SongClient, SongTask, TaskResult, VendorRequest, connect, crun, gptge, sunor


def sync_calls() -> None:
    with crun.Client(api_key="k") as client:
        task = client.create_task(model="suno/music-generate", input={"mode": "simple", "prompt": "rain"})
        assert_type(task, NewTask[crun.CreateTaskData | None])
        assert_type(task.task_id, str)
        request = crun.CreateTaskRequest(model="suno/music-generate", input=crun.MusicGenerateInput(mode="simple"))
        assert_type(client.create_task(request), NewTask[crun.CreateTaskData | None])
        result = client.create_and_wait(model="suno/music-generate", input={"mode": "simple"}, timeout=60)
        assert_type(result, TaskResult[crun.TaskInfoResponse])
        assert_type(client.wait(task.task_id), TaskResult[crun.TaskInfoResponse])
        assert_type(client.get_task_info(task_id=task.task_id), crun.TaskInfo)
    with gptge.Client(api_key="k") as g:
        assert_type(g.submit_music(mv="chirp-v3-5", gpt_description_prompt="x").data, str | None)
    payload: sunor.CreateTaskRequestParams = {"model": "suno", "task_type": "music", "input": {"prompt": "x"}}
    with sunor.Client(api_key="k") as s:
        assert_type(s.create_task(**payload).data, sunor.CreatedTask)
    assert_type(suno_clients.crun.CreateTaskRequest, type[crun.CreateTaskRequest])


def neutral_calls() -> None:
    song = Song(description="rain", model="v4.5+", vocal_gender="female")
    assert_type(song.to_request("crun"), VendorRequest)
    with connect("crun", api_key="k", max_retries=0) as client:
        assert_type(client, SongClient)
        task = client.generate(song)
        assert_type(task, SongTask)
        assert_type(client.wait(task, timeout=60), TaskResult[Any])
        assert_type(client.generate_and_wait(song).clips[0].stream_url, str | None)


async def async_calls() -> None:
    async with crun.AsyncClient(api_key="k") as client:
        task = await client.create_task(model="suno/music-generate", input={"mode": "simple"})
        assert_type(task, NewTask[crun.CreateTaskData | None])
        result = await client.create_and_wait(crun.CreateTaskRequest(model="suno/music-generate", input={}))
        assert_type(result, TaskResult[crun.TaskInfoResponse])
'''

BAD_CALLS = """\
from suno_clients import Song, connect, crun, gptge

client = crun.Client(api_key="k")
client.create_task(model="suno/music-generate", input={"mode": "simple"}, calback_url="https://example.com")
client.create_task(model="suno/music-generate", input={"mode": "simple"}, callback_url=3)
client.create_task(model="suno/music-generate", input={"mode": "cstom"})
gptge.Client(api_key="k").submit_music(mv="chirp-v9")
client.create_task(input={"mode": "simple"})
client.create_task(crun.CreateTaskRequest(model="suno/music-generate", input={}), callback_url="")
Song(description="rain", model="v9")
connect("crun", api_kye="k")
"""


@dataclass(frozen=True)
class MypyError:
    """One error mypy reported: file name, line, message and error code."""

    file: str
    line: int
    message: str
    code: str | None


def _request_examples() -> Iterator[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    """(vendor, operation, example name, its value, the request component's schema) for every request example."""
    for vendor in VENDORS:
        spec = spec_document(vendor)
        for item in spec["paths"].values():
            for operation in item.values():
                media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
                ref = media.get("schema", {}).get("$ref", "")
                schema = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
                for name, example in media.get("examples", {}).items():
                    yield vendor, operation["operationId"], name, example["value"], schema


def _call(vendor: str, operation: str, fields: dict[str, Any]) -> str:
    arguments = ", ".join(f"{key}={value!r}" for key, value in fields.items())
    return f'{vendor}.Client(api_key="k", base_url="https://gateway.example").{operation}({arguments})\n'


def _mistakes(fields: dict[str, Any], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The example with a field misspelt, one of the wrong type, and one off its enum (where it has one)."""
    properties = schema.get("properties", {})
    optional = [key for key in fields if key not in schema.get("required", [])]
    first = (optional or list(fields))[0]  # an optional field: misspelling it leaves nothing required missing
    made = {"misspelt": {f"{first}x" if key == first else key: value for key, value in fields.items()}}
    strings = [key for key in fields if properties.get(key, {}).get("type") == "string"]
    if strings:
        made["wrong-type"] = {**fields, strings[0]: 12345}
    enums = [key for key in fields if "enum" in properties.get(key, {}) or "const" in properties.get(key, {})]
    if enums:
        made["off-enum"] = {**fields, enums[0]: "not-one-of-them"}
    return made


def _example_snippets() -> tuple[str, str, list[tuple[int, str]]]:
    """Calls made of the spec's request examples (which must type-check), and each broken: which lines must fail."""
    good = [f"from suno_clients import {', '.join(VENDORS)}\n"]
    bad = list(good)
    broken: list[tuple[int, str]] = []
    for vendor, operation, name, value, schema in _request_examples():
        good.append(_call(vendor, operation, value))
        for mistake, fields in _mistakes(value, schema).items():
            bad.append(_call(vendor, operation, fields))
            broken.append((len(bad), f"{vendor} {operation} {name}: {mistake}"))
    return "".join(good), "".join(bad), broken


def _readme_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> dict[str, list[MypyError]]:
    """Every snippet file, type-checked in one mypy run: its errors by file name."""
    from mypy import api

    folder = tmp_path_factory.mktemp("typed_calls")
    # mypy's own incremental cache, kept between runs in pytest's cache folder: what it reads of suno_clients,
    # pydantic and httpx is checked again only when it changes (the snippets are new files every run)
    pytest_cache = getattr(pytestconfig, "cache", None)  # absent under -p no:cacheprovider
    cache = pytest_cache.mkdir("mypy") if pytest_cache is not None else folder / ".mypy_cache"
    good_examples, bad_examples, _ = _example_snippets()
    files = {"good_calls.py": GOOD_CALLS, "bad_calls.py": BAD_CALLS}
    files |= {"good_examples.py": good_examples, "bad_examples.py": bad_examples}
    files |= {f"readme_{i}.py": block for i, block in enumerate(_readme_blocks())}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(ROOT)  # the configuration's mypy_path (generated/, generator/) is relative to the working directory
    try:
        stdout, stderr, _ = api.run(
            [
                "--config-file",
                str(ROOT / "pyproject.toml"),
                "--cache-dir",
                str(cache),
                "--no-error-summary",
                *(str(folder / name) for name in files),
            ]
        )
    finally:
        os.chdir(cwd)
    assert not stderr, stderr
    errors: dict[str, list[MypyError]] = {name: [] for name in files}
    for line in stdout.splitlines():
        found = ERROR.match(line)
        if found:
            file = Path(found["file"]).name
            errors[file].append(MypyError(file, int(found["line"]), found["message"], found["code"]))
    return errors


def _on_line(errors: list[MypyError], line: int) -> list[str]:
    return [f"{e.message} [{e.code}]" for e in errors if e.line == line]


def test_correct_calls_type_check_and_return_what_each_gateway_declares(checked: dict[str, list[MypyError]]) -> None:
    assert checked["good_calls.py"] == []


def test_a_misspelt_field_is_a_type_error_that_names_the_field_meant(checked: dict[str, list[MypyError]]) -> None:
    assert _on_line(checked["bad_calls.py"], 4)[0] == (
        'Unexpected keyword argument "calback_url" for overloaded function "create_task" of "Client"; '
        'did you mean "callback_url"? [call-overload]'
    )


def test_a_field_of_the_wrong_type_is_a_type_error(checked: dict[str, list[MypyError]]) -> None:
    # Both forms of a call are overloads: mypy names the argument types the call has, and (in notes) both forms.
    assert _on_line(checked["bad_calls.py"], 5) == [
        'No overload variant of "create_task" of "Client" matches argument types "str", "dict[str, str]", "int" '
        "[call-overload]"
    ]


def test_a_value_outside_an_enum_is_a_type_error_at_the_top_level_and_inside_an_object(
    checked: dict[str, list[MypyError]],
) -> None:
    assert _on_line(checked["bad_calls.py"], 6) == [
        'No overload variant of "create_task" of "Client" matches argument types "str", "dict[str, str]" '
        "[call-overload]"
    ]
    assert _on_line(checked["bad_calls.py"], 7) == [
        'No overload variant of "submit_music" of "Client" matches argument type "str" [call-overload]'
    ]


def test_a_missing_required_field_and_a_model_with_fields_are_type_errors(checked: dict[str, list[MypyError]]) -> None:
    assert _on_line(checked["bad_calls.py"], 8) == [
        'No overload variant of "create_task" of "Client" matches argument type "dict[str, str]" [call-overload]'
    ]
    assert _on_line(checked["bad_calls.py"], 9) == [
        'No overload variant of "create_task" of "Client" matches argument types "CreateTaskRequest", "str" '
        "[call-overload]"
    ]


def test_a_model_suno_does_not_name_and_a_misspelt_client_option_are_type_errors(
    checked: dict[str, list[MypyError]],
) -> None:
    assert [error.split(" [")[-1] for error in _on_line(checked["bad_calls.py"], 10)] == ["arg-type]"]
    assert 'Argument "model" to "Song" has incompatible type' in _on_line(checked["bad_calls.py"], 10)[0]
    assert _on_line(checked["bad_calls.py"], 11) == [
        'Unexpected keyword argument "api_kye" for "connect"; did you mean "api_key"? [call-arg]'
    ]


def test_no_other_line_of_the_bad_calls_is_an_error(checked: dict[str, list[MypyError]]) -> None:
    assert {e.line for e in checked["bad_calls.py"]} == {4, 5, 6, 7, 8, 9, 10, 11}


def test_every_documented_request_example_type_checks_as_a_keyword_call(checked: dict[str, list[MypyError]]) -> None:
    assert len(_example_snippets()[0].splitlines()) > len(VENDORS)
    assert checked["good_examples.py"] == []


def test_every_request_example_broken_one_way_is_a_type_error_on_its_line(checked: dict[str, list[MypyError]]) -> None:
    _, _, broken = _example_snippets()
    assert broken
    failing = {e.line for e in checked["bad_examples.py"]}
    assert [what for line, what in broken if line not in failing] == []


def test_every_python_block_of_the_readme_type_checks(checked: dict[str, list[MypyError]]) -> None:
    blocks = [name for name in checked if name.startswith("readme_")]
    assert len(blocks) == len(_readme_blocks()) >= 5
    assert {name: errors for name, errors in checked.items() if name.startswith("readme_") and errors} == {}
