"""The vendor-neutral song: one request for every gateway, made into each gateway's body by its spec's mapping.

A spec's `x-sunogen-song` becomes the SongMapping in `suno_clients.<vendor>._song`; this module reads it, never a
vendor's name: which modes a gateway has, where each Song field goes, what the gateway calls each model. The body
it makes is then checked by the vendor's own validator, so a song the gateway cannot honour (a field it lacks, a
model it does not offer, a limit it sets lower) is refused here, field by field, before anything is sent.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .exceptions import SongProblem, UnsupportedSongError
from .song_fields import LOCATORS, SONG_FIELDS
from .violations import path_key

if TYPE_CHECKING:
    from .spec_data import JsonPath, SongMapping, SongMode

    Constants = tuple[tuple[JsonPath, str | int | float | bool | None], ...]
    from .violations import Violation

__all__ = ["Continuation", "Mode", "Model", "Song", "VendorRequest", "VocalGender", "song_mapping", "to_request"]

PACKAGE = "suno_clients"

Model = Literal["v3.5", "v4", "v4.5", "v4.5-all", "v4.5+", "v5", "v5.5"]
"""Suno's own names of its models (song_fields.MODELS)."""
VocalGender = Literal["female", "male"]
Mode = Literal["inspiration", "custom", "continuation"]
"""How a song is asked for (song_fields.MODES); `Song.mode` says which."""

_Text = Annotated[str, Field(min_length=1)]
_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid")


class Continuation(BaseModel):
    """An existing clip to continue: its id, where to continue from (seconds), and the task that made it (asked
    for by some gateways along with the clip id; the others need only the clip id)."""

    model_config = _STRICT

    clip_id: _Text
    at: Annotated[float, Field(ge=0)] | None = None
    task_id: _Text | None = None

    if TYPE_CHECKING:  # the fields as keywords, typed for editors and type checkers (tests/test_song.py holds them)

        def __init__(self, *, clip_id: str, at: float | None = None, task_id: str | None = None) -> None: ...


class Song(BaseModel):
    """A song to make, in no gateway's dialect: `to_request(vendor)` is what that gateway would be sent.

    Give a `description` (inspiration mode: the gateway writes the lyrics), or `lyrics` (custom mode), or neither
    with `instrumental=True` (a custom instrumental, usually with a `style`), or a `continuation` of an existing
    clip. A field left as None is not sent; every field given must be honoured by the gateway, or the song is
    refused there with UnsupportedSongError. Frozen and strict: unknown fields and wrong JSON types are errors.
    """

    model_config = _STRICT

    description: _Text | None = None
    lyrics: _Text | None = None
    instrumental: bool | None = None
    style: _Text | None = None
    negative_style: _Text | None = None
    title: _Text | None = None
    model: Model | None = None
    vocal_gender: VocalGender | None = None
    continuation: Continuation | None = None
    callback_url: _Text | None = None

    if TYPE_CHECKING:  # the fields as keywords, typed for editors and type checkers (tests/test_song.py holds them)

        def __init__(
            self,
            *,
            description: str | None = None,
            lyrics: str | None = None,
            instrumental: bool | None = None,
            style: str | None = None,
            negative_style: str | None = None,
            title: str | None = None,
            model: Model | None = None,
            vocal_gender: VocalGender | None = None,
            continuation: Continuation | None = None,
            callback_url: str | None = None,
        ) -> None: ...

    @model_validator(mode="after")
    def _one_kind_of_song(self) -> Song:
        if self.description is not None and self.lyrics is not None:
            raise ValueError("give a description (inspiration) or lyrics (custom), not both")
        if self.lyrics is not None and self.instrumental:
            raise ValueError("an instrumental has no lyrics: leave lyrics out, or instrumental unset or false")
        if self.description is None and self.lyrics is None and self.continuation is None and not self.instrumental:
            raise ValueError("a song needs a description, lyrics, a continuation, or instrumental=True")
        return self

    @property
    def mode(self) -> Mode:
        """continuation when the song continues a clip; else inspiration from a description; else custom."""
        if self.continuation is not None:
            return "continuation"
        return "inspiration" if self.description is not None else "custom"

    def value(self, field: str) -> Any:
        """The value of a field by its dotted name (`continuation.at`), None when it is not given."""
        head, _, rest = field.partition(".")
        found = getattr(self, head)
        return getattr(found, rest) if rest and found is not None else found

    def items(self) -> Iterator[tuple[str, Any]]:
        """The fields given (not None), by dotted name, in the vocabulary's order."""
        for field in SONG_FIELDS:
            found = self.value(field)
            if found is not None:
                yield field, found

    def to_request(self, vendor: str) -> VendorRequest:
        """What `vendor` would be sent for this song, offline; UnsupportedSongError if it cannot honour it."""
        return to_request(self, vendor)


@dataclass(frozen=True, slots=True)
class VendorRequest:
    """A song in one gateway's dialect: the create operation and its JSON body, which the vendor's own validator
    accepts. `warnings` are that validator's advice on the body (a field "only used in" some mode): the body is
    still sent, and the client logs each warning at WARNING, as it does for any request."""

    vendor: str
    operation: str
    body: dict[str, Any]
    warnings: tuple[Violation, ...] = ()


def song_mapping(vendor: str) -> SongMapping | None:
    """The SongMapping of `vendor`'s spec (None when its spec has none). Raises KeyError for an unknown vendor."""
    package = importlib.import_module(PACKAGE)
    package.vendor_module(vendor)  # KeyError naming the known vendors for an unknown one
    found: SongMapping | None = importlib.import_module(f"{PACKAGE}.{vendor}._song").SONG
    return found


def to_request(song: Song, vendor: str) -> VendorRequest:
    """`song` as `vendor`'s request body, checked by the vendor's validator before anything could be sent.

    Raises UnsupportedSongError listing every problem: a mode or field the mapping lacks, a value it does not
    offer, or an error of the vendor's validator, told as the Song field that filled (or should fill) its path.
    """
    mapping = song_mapping(vendor)
    if mapping is None:
        raise UnsupportedSongError([SongProblem(None, "its spec maps no Song (no x-sunogen-song)")], vendor=vendor)
    mode, body, problems = _body(mapping, song, vendor)
    if mode is None:
        raise UnsupportedSongError(problems, vendor=vendor)
    # the validator judges what could be placed too, so every problem is told at once
    package = importlib.import_module(PACKAGE)
    violations: list[Violation] = package.validate(vendor, mapping.operation, body)
    blamed = {problem.field for problem in problems}
    for violation in violations:
        if violation.severity == "error":
            problem = _blame(violation, mode, song, vendor)
            if problem.field is None or problem.field not in blamed:
                problems.append(problem)
    if problems:
        raise UnsupportedSongError(problems, vendor=vendor)
    return VendorRequest(vendor, mapping.operation, body, tuple(v for v in violations if v.severity != "error"))


def _body(mapping: SongMapping, song: Song, vendor: str) -> tuple[SongMode | None, dict[str, Any], list[SongProblem]]:
    """The body the mapping makes of the song (its mode's constants, then each field at its path, its value in the
    gateway's words, or what the mode sets for its value), and every field it cannot place."""
    modes = {mode.name: mode for mode in mapping.modes}
    mode = modes.get(song.mode)
    if mode is None:
        offered = ", ".join(modes) or "none"
        reason = f"{vendor} has no {song.mode} mode (its mapping has: {offered})"
        return None, {}, [SongProblem(_mode_field(song), reason)]
    body: dict[str, Any] = {}
    for path, constant in mode.constants:
        _put(body, path, constant)
    targets = {target.field: target.path for target in mode.fields}
    words = {field: dict(pairs) for field, pairs in mapping.values}
    sets = _sets(mode)
    problems: list[SongProblem] = []
    for field, given in song.items():
        if field in sets:
            sent = next((constants for value, constants in sets[field] if _same(value, given)), None)
            if sent is None:
                offered = ", ".join(f"{field}={value!r}" for value, _ in sets[field])
                reason = f"{vendor}'s {mode.name} mode cannot send {field}={given!r} (it can send {offered})"
                problems.append(SongProblem(field, reason))
                continue
            for path, constant in sent:
                _put(body, path, constant)
            continue
        if field not in targets:
            if field not in LOCATORS:
                takes = ", ".join(targets)
                problems.append(
                    SongProblem(field, f"{vendor}'s {mode.name} mode has no field for it (it takes {takes})")
                )
            continue
        if field in words:
            if given not in words[field]:
                offered = ", ".join(words[field])
                problems.append(SongProblem(field, f"{vendor} does not offer {field} {given!r} (it offers {offered})"))
                continue
            given = words[field][given]
        _put(body, targets[field], given)
    return mode, body, problems


def _sets(mode: SongMode) -> dict[str, list[tuple[str | bool, Constants]]]:
    """The fields the mode sets, each with its values and the constants each sends."""
    found: dict[str, list[tuple[str | bool, Constants]]] = {}
    for entry in mode.sets:
        found.setdefault(entry.field, []).append((entry.value, entry.constants))
    return found


def _same(value: str | bool, given: Any) -> bool:
    """A listed value is the song's: equal and of one JSON type (true is not 1)."""
    return isinstance(value, bool) == isinstance(given, bool) and value == given


def _placed(mode: SongMode, song: Song) -> list[tuple[JsonPath, str]]:
    """Each body path the song's fields fill in this mode, with the field: what the mode sets for the song's values
    (first: it shares a path only with a field the song cannot also give), then each field's target."""
    placed = [
        (path, entry.field)
        for entry in mode.sets
        if _same(entry.value, song.value(entry.field))
        for path, _ in entry.constants
    ]
    return placed + [(target.path, target.field) for target in mode.fields]


def _mode_field(song: Song) -> str:
    """The field that puts the song in its mode: the one to blame when a gateway lacks that mode."""
    if song.mode == "continuation":
        return "continuation"
    if song.mode == "inspiration":
        return "description"
    return "lyrics" if song.lyrics is not None else "instrumental"


def _put(body: dict[str, Any], path: JsonPath, value: Any) -> None:
    *parents, last = path
    node = body
    for segment in parents:
        node = node.setdefault(segment, {})
    node[last] = value


def json_path(path: JsonPath) -> str:
    """A body path as the validators write a violation's path: `("input", "tags")` -> `$.input.tags`."""
    text = "$"
    for segment in path:
        text = path_key(text, segment)
    return text


def _blame(violation: Violation, mode: SongMode, song: Song, vendor: str) -> SongProblem:
    """A validator error told as the Song field whose path it is at (or under), None when no field's is."""
    field = None
    for path, placer in sorted(_placed(mode, song), key=lambda item: len(item[0]), reverse=True):
        at = json_path(path)
        if violation.path == at or violation.path.startswith((f"{at}.", f"{at}[")):
            field = placer
            break
    if field is not None and song.value(field) is None:
        return SongProblem(field, f"{vendor} requires it here, and the song leaves it out: {violation}", violation)
    return SongProblem(field, str(violation), violation)
