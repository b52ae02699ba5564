"""The Song itself: strict, frozen, one kind of song at a time, in the vocabulary the specs' mappings are checked by;
what a request's warnings do; and how connect() handles what is not a song's fault (an unknown vendor, a task of
another gateway, an error after the task was made)."""

from __future__ import annotations

import ast
import inspect
import logging
import re
import typing
from pathlib import Path

import httpx
import pytest
import respx
from pydantic import BaseModel, ValidationError

from suno_clients import Continuation, Song, SongTask, connect
from suno_clients._runtime.song import Mode, Model, VocalGender
from suno_clients._runtime.song_fields import EXCLUSIVE, MODELS, MODES, SONG_FIELDS, VOCAL_GENDERS
from tests.conformance.spec_gateway import gateway
from tests.runtime.support import FakeClock

from .song_support import (
    expand,
    first_present,
    mapping_of,
    operations,
    poll_operation,
    song,
    songs,
    success_examples,
    table,
)
from .spec_files import VENDORS

KEY = "sk-song-0123456789abcdef-TOPSECRET"


def test_the_songs_fields_are_the_vocabulary_the_mappings_are_checked_against() -> None:
    own = [f for f in Song.model_fields if f != "continuation"]
    nested = [f"continuation.{f}" for f in Continuation.model_fields]
    assert sorted(own + nested) == sorted(SONG_FIELDS)
    assert typing.get_args(Model) == MODELS
    assert typing.get_args(VocalGender) == VOCAL_GENDERS
    assert typing.get_args(Mode) == MODES


@pytest.mark.parametrize("model", [Song, Continuation])
def test_the_typed_keywords_type_checkers_see_are_the_models_fields_in_order_and_type(model: type[BaseModel]) -> None:
    tree = ast.parse(Path(inspect.getfile(model)).read_text(encoding="utf-8"))
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == model.__name__]
    (init,) = [node for node in ast.walk(cls) if isinstance(node, ast.FunctionDef) and node.name == "__init__"]
    keywords = {arg.arg: ast.unparse(arg.annotation) for arg in init.args.kwonlyargs if arg.annotation}
    defaults = {arg.arg for arg in init.args.kwonlyargs if _has_default(init, arg)}
    assert list(keywords) == list(model.model_fields)
    for name, field in model.model_fields.items():
        plain = ast.unparse(ast.parse(_annotation(cls, name), mode="eval")).replace("_Text", "str")
        plain = re.sub(r"Annotated\[(\w+), [^\]]*\]", r"\1", plain)
        assert keywords[name] == plain, name
        assert field.is_required() == (name not in defaults), name


def _annotation(cls: ast.ClassDef, name: str) -> str:
    (found,) = [
        n for n in cls.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id == name
    ]
    return ast.unparse(found.annotation)


def _has_default(init: ast.FunctionDef, arg: ast.arg) -> bool:
    return init.args.kw_defaults[init.args.kwonlyargs.index(arg)] is not None


def test_a_song_is_strict_about_json_types_and_unknown_fields_and_cannot_be_changed() -> None:
    with pytest.raises(ValidationError, match="valid boolean"):
        Song(description="rain", instrumental="false")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Song(description="rain", tempo=90)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match=r"Input should be 'v3\.5'"):
        Song(description="rain", model="v9")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at least 1 character"):
        Song(description="")
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Continuation(clip_id="c", at=-1)
    made = Song(description="rain")
    with pytest.raises(ValidationError, match="frozen"):
        made.title = "Rain"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"description": "rain", "lyrics": "[Verse]"}, "a description (inspiration) or lyrics (custom), not both"),
        ({"lyrics": "[Verse]", "instrumental": True}, "an instrumental has no lyrics"),
        ({"style": "jazz", "title": "Rain"}, "a song needs a description, lyrics, a continuation, or instrumental"),
    ],
)
def test_a_song_is_one_kind_of_song(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        Song(**fields)  # type: ignore[arg-type]


def test_a_songs_mode_follows_from_what_it_gives() -> None:
    assert Song(description="rain").mode == "inspiration"
    assert Song(lyrics="[Verse]").mode == "custom"
    assert Song(instrumental=True, style="lofi").mode == "custom"
    assert Song(continuation=Continuation(clip_id="c"), lyrics="[Verse]").mode == "continuation"


def test_an_unknown_vendor_is_a_key_error_naming_the_known_ones() -> None:
    with pytest.raises(KeyError, match=f"unknown vendor 'nope'; try one of {', '.join(VENDORS)}"):
        Song(description="rain").to_request("nope")
    with pytest.raises(KeyError, match="unknown vendor 'nope'"):
        connect("nope", api_key=KEY)


def _with_warnings() -> tuple[str, str]:
    """A (vendor, song) whose table lists warnings on its body."""
    for vendor in VENDORS:
        for name, case in table(vendor)["payloads"].items():
            if case.get("warnings"):
                return vendor, name
    pytest.fail("no table of tests/song_cases lists a song whose body gets warnings: add one")


def test_a_bodys_warnings_are_on_the_request_and_logged_when_it_is_sent(caplog: pytest.LogCaptureFixture) -> None:
    vendor, name = _with_warnings()
    request = song(name).to_request(vendor)
    rules = expand(table(vendor)["payloads"][name]["warnings"])
    assert sorted(str(w.rule) for w in request.warnings) == sorted(rules)
    assert all(w.severity == "warning" for w in request.warnings)
    created = next(iter(success_examples(vendor, request.operation).values()))
    with respx.mock() as router, connect(vendor, api_key=KEY, base_url=gateway(vendor).base_url) as client:
        router.post(gateway(vendor).url(request.operation)).mock(httpx.Response(200, json=created))
        with caplog.at_level(logging.WARNING, logger="suno_clients"):
            client.generate(song(name))
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert all(any(str(rule) in line for line in logged) for rule in rules), logged


def test_waiting_on_a_task_sent_to_another_gateway_is_refused_before_any_request() -> None:
    first, other = VENDORS[0], VENDORS[1]
    with respx.mock() as router, connect(first, api_key=KEY, base_url=gateway(first).base_url) as client:
        with pytest.raises(gateway(first).module.ConfigurationError, match=f"was sent to {other}, not here"):
            client.wait(SongTask(other, "t-1"))
        assert router.calls.call_count == 0


def test_an_error_after_the_task_was_made_carries_its_id_to_resume_without_paying_again() -> None:
    vendor = VENDORS[0]
    name = next(n for n in songs() if "body" in table(vendor)["payloads"][n])
    operation = mapping_of(vendor).operation
    created = next(iter(success_examples(vendor, operation).values()))
    task_id = str(first_present(created, operations(vendor)[operation]["x-sunogen-task"]["id"]))
    site = gateway(vendor)
    with respx.mock() as router, connect(vendor, api_key=KEY, base_url=site.base_url, clock=FakeClock()) as client:
        router.post(site.url(operation)).mock(httpx.Response(200, json=created))
        router.get(site.url(poll_operation(vendor)).replace("t-1", task_id)).mock(httpx.Response(401, json={}))
        with pytest.raises(site.module.AuthenticationError) as caught:
            client.generate_and_wait(song(name))
    assert caught.value.task_id == task_id
    assert f"resume with client.wait({task_id!r})" in str(caught.value)


@pytest.mark.parametrize("pair", EXCLUSIVE, ids=lambda pair: f"{pair[0][0]}-{pair[1][0]}")
def test_each_pair_the_vocabulary_calls_exclusive_is_one_a_song_refuses_so_a_set_may_share_its_path(
    pair: tuple[tuple[str, object], tuple[str, object]],
) -> None:
    samples: dict[str, object] = {"description": "rain", "lyrics": "[Verse]\nRain", "instrumental": True}
    fields = {field: samples[field] if value is None else value for field, value in pair}
    with pytest.raises(ValidationError):
        Song(**fields)  # type: ignore[arg-type]
