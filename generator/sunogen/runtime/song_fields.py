"""The vendor-neutral song's vocabulary: its modes, its fields and their JSON types, Suno's model names.

Plain data with no imports, so the generator checks each spec's `x-sunogen-song` mapping against the very
vocabulary the runtime's Song (song.py) is made of.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple

__all__ = [
    "EXCLUSIVE",
    "FEATURES",
    "LOCATORS",
    "MODELS",
    "MODES",
    "SONG_FIELDS",
    "VOCAL_GENDERS",
    "SongField",
    "choices",
]

MODES: Final = ("inspiration", "custom", "continuation")
"""How a song is asked for: from a description (inspiration), from lyrics or as an instrumental with a style
(custom), or as the continuation of an existing clip."""

MODELS: Final = ("v3.5", "v4", "v4.5", "v4.5-all", "v4.5+", "v5", "v5.5")
"""Suno's own names of its models, oldest first; each spec says what its gateway calls the ones it offers."""

VOCAL_GENDERS: Final = ("female", "male")


class SongField(NamedTuple):
    """One field of a Song as a mapping names it: its JSON type and, for an enumerated field, its values."""

    json_type: str
    values: tuple[str, ...] | None = None
    doc: str = ""


SONG_FIELDS: Final[Mapping[str, SongField]] = {
    "description": SongField("string", doc="what the song is about, in words (inspiration mode)"),
    "lyrics": SongField("string", doc="the song's own lyrics (custom mode, or the continuation's)"),
    "instrumental": SongField("boolean", doc="true: no vocals"),
    "style": SongField("string", doc="style tags, e.g. 'acoustic, upbeat'"),
    "negative_style": SongField("string", doc="styles to avoid"),
    "title": SongField("string", doc="the song's title"),
    "model": SongField("string", MODELS, doc="the Suno model, in Suno's own name"),
    "vocal_gender": SongField("string", VOCAL_GENDERS, doc="the voice"),
    "continuation.clip_id": SongField("string", doc="the clip to continue"),
    "continuation.at": SongField("number", doc="where to continue it from, in seconds"),
    "continuation.task_id": SongField("string", doc="the task that made the clip, for gateways that ask for it"),
    "callback_url": SongField("string", doc="where the gateway posts the task's result"),
}
"""Every field a mapping may place, by its dotted name (`continuation.at` is the `at` of a song's continuation)."""

LOCATORS: Final = frozenset({"continuation.task_id"})
"""Fields that only help a gateway find something the song already names (the clip id names the clip): sent where
a mapping takes them, unused elsewhere. Every other field a mode does not map makes the song unsupported there."""

EXCLUSIVE: Final = ((("description", None), ("lyrics", None)), (("lyrics", None), ("instrumental", True)))
"""Pairs of (field, value) a Song never gives together (None: whatever its value), as Song's own validator refuses
them: an instrumental has no lyrics. Two things a mode sends for such a pair may share a body path."""


def choices(field: str) -> tuple[str | bool, ...] | None:
    """The values a field can take, for a mode's `set` to say what each becomes: an enumerated field's values, a
    flag's true and false; None for free text and numbers, which no list of values covers."""
    kind = SONG_FIELDS[field]
    if kind.values is not None:
        return kind.values
    return (True, False) if kind.json_type == "boolean" else None


FEATURES: Final = ("lyrics", "upload", "concat", "cover", "persona", "stems")
"""What else a gateway may do besides making songs, as `x-sunogen-features` names it (the capability matrix)."""
