"""Support for the song tests: the neutral songs, each spec's expected-payload table, and what a spec documents.

Everything is enumerated from specs/ and tests/song_cases/: a spec without its table fails, naming the file to write.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest

from suno_clients import Song

from .conftest import ROOT
from .spec_files import parse, spec_document

CASES = ROOT / "tests" / "song_cases"
CLIP_KEYS = (
    "id",
    "audio_url",
    "stream_url",
    "image_url",
    "image_large_url",
    "video_url",
    "title",
    "duration",
    "status",
    "tags",
    "lyrics",
    "model_name",
)
Json = dict[str, Any]


def expand(value: Any) -> Any:
    """A case value with each `{repeat: text, times: n}` written out."""
    if isinstance(value, dict):
        if set(value) == {"repeat", "times"}:
            return value["repeat"] * value["times"]
        return {key: expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item) for item in value]
    return value


@functools.cache
def songs() -> dict[str, Json]:
    """The neutral songs, by name, as Song keyword arguments."""
    loaded: dict[str, Json] = parse((CASES / "songs.yaml").read_text(encoding="utf-8"))
    return {name: expand(fields) for name, fields in loaded.items()}


def song(name: str) -> Song:
    return Song(**songs()[name])


@functools.cache
def spec(vendor: str) -> Json:
    return spec_document(vendor)


def table(vendor: str) -> Json:
    """tests/song_cases/<vendor>.yaml; a spec without one fails, saying what to write."""
    path = CASES / f"{vendor}.yaml"
    if not path.is_file():
        pytest.fail(
            f"specs/{vendor}.yaml has no expected-payload table: write {path.relative_to(ROOT)} with `payloads:` "
            f"(for each song of tests/song_cases/songs.yaml, its exact `body` or the fields it is `unsupported` for) "
            f"and `responses:` (for each documented response of the poll operation, its neutral result)"
        )
    loaded: Json = parse(path.read_text(encoding="utf-8"))
    return loaded


def operations(vendor: str) -> dict[str, Json]:
    return {
        op["operationId"]: op
        for item in spec(vendor)["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }


def success_examples(vendor: str, operation: str) -> dict[str, Any]:
    """The documented bodies of an operation's 2xx response, by example name."""
    responses = operations(vendor)[operation]["responses"]
    media = next(r for status, r in responses.items() if status.startswith("2"))["content"]["application/json"]
    return {name: example["value"] for name, example in media.get("examples", {}).items()}


def poll_operation(vendor: str) -> str:
    return next(op_id for op_id, op in operations(vendor).items() if "x-sunogen-poll" in op)


def clip_view(clip: Any) -> Json:
    """A neutral clip as the tables write it: its attributes that are set."""
    return {key: getattr(clip, key) for key in CLIP_KEYS if getattr(clip, key) is not None}


async def call(target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method the same way on a SongClient and an AsyncSongClient."""
    result = getattr(target, method)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


def first_present(body: Any, paths: list[str]) -> Any:
    for path in paths:
        node = body
        for segment in path.split("."):
            node = node.get(segment) if isinstance(node, dict) else None
        if node is not None:
            return node
    return None


def base_url(vendor: str) -> str:
    servers = spec(vendor).get("servers")
    return str(servers[0]["url"]) if servers else f"https://{vendor}.gateway.test"


SAMPLES: dict[str, Any] = {
    "description": "A song about rain on a tin roof",
    "lyrics": "[Verse]\nRain on the roof",
    "instrumental": False,
    "style": "folk, rainy",
    "negative_style": "heavy metal",
    "title": "Rain",
    "continuation.clip_id": "clip-1",
    "continuation.at": 12.5,
    "continuation.task_id": "task-1",
    "callback_url": "https://example.com/hooks/song",
}
"""A value for each free Song field; an enumerated one takes the first value the gateway offers."""


def mapping_of(vendor: str) -> Any:
    from suno_clients._runtime.song import song_mapping

    mapping = song_mapping(vendor)
    assert mapping is not None, f"specs/{vendor}.yaml has no x-sunogen-song"
    return mapping


def placed(vendor: str, mode: str) -> tuple[str, ...]:
    """The Song fields a vendor's mode honours, by the generated mapping: those it places, then those it sets."""
    found = next((m for m in mapping_of(vendor).modes if m.name == mode), None)
    if found is None:
        return ()
    return tuple(dict.fromkeys([*(target.field for target in found.fields), *(entry.field for entry in found.sets)]))


def offered(vendor: str, field: str) -> tuple[str, ...]:
    """The values of an enumerated Song field the vendor offers."""
    return tuple(word for word, _ in dict(mapping_of(vendor).values).get(field, ()))


def sample(vendor: str, field: str) -> Any:
    return offered(vendor, field)[0] if field in ("model", "vocal_gender") else SAMPLES[field]


def song_of(fields: dict[str, Any]) -> Song:
    """A Song from dotted field names (`continuation.at`)."""
    nested: Json = {}
    for name, value in fields.items():
        head, _, rest = name.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            nested[head] = value
    return Song(**nested)


def full_fields(vendor: str, mode: str) -> Json:
    """Every field the vendor's mode places, each with a sample value: the fullest song of that mode there."""
    return {field: sample(vendor, field) for field in placed(vendor, mode)}


def mode_fields(mode: str) -> Json:
    """The least a song of each mode needs, whatever the gateway (for a mode a gateway lacks)."""
    return {
        "inspiration": {"description": SAMPLES["description"]},
        "custom": {"lyrics": SAMPLES["lyrics"]},
        "continuation": {"continuation.clip_id": SAMPLES["continuation.clip_id"], "lyrics": SAMPLES["lyrics"]},
    }[mode]
