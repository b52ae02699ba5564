"""Spec data: the frozen descriptors each generated vendor module fills in for the hand-written client.

Every gateway meaning (what an error code says, which statuses are final, which URLs are not audio yet, how a
callback is signed) arrives here from the spec; the runtime only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# A dotted path into a JSON body ("data.output.result"); alternatives are tried in order, first present wins.
JsonPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Auth:
    """How the API key travels: an `apiKey` header (x-api-key) or `Authorization: Bearer <key>`."""

    kind: Literal["header", "bearer"]
    header: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """How a gateway wraps its JSON bodies: the status code field, its success values, message and data."""

    code: str | None
    success: tuple[str | int, ...]
    message: str | None
    data: str | None


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One entry of a spec's error table: which answers it matches, their kind, and who may retry them.

    It matches an answer when every matcher it gives matches: `status` the HTTP status, `code` the envelope's code
    (numbers compare as numbers), `message` a case-insensitive part of the envelope's message.
    """

    kind: str
    status: int | None = None
    code: str | int | None = None
    message: str | None = None
    retry_query: bool = False
    retry_create: bool = False


@dataclass(frozen=True, slots=True)
class Param:
    """A path or query parameter of an operation."""

    name: str
    python_name: str
    location: Literal["path", "query"]
    required: bool


@dataclass(frozen=True, slots=True)
class Operation:
    """One HTTP operation: method, path template, parameters, whether it costs credits, its own error table."""

    id: str
    method: Literal["GET", "POST"]
    path: str
    params: tuple[Param, ...] = ()
    creates_task: bool = False
    has_body: bool = False
    errors: tuple[ErrorRule, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskRef:
    """On a create operation: where the new task id is in the response and which operation polls it."""

    id: tuple[JsonPath, ...]
    poll: str


@dataclass(frozen=True, slots=True)
class UrlPattern:
    """A regular expression (searched, case-insensitive) for audio URLs that are not a finished file."""

    pattern: str
    example: str


@dataclass(frozen=True, slots=True)
class Clips:
    """What a clip is, wherever a gateway reports one: its fields, its own status words, and unfinished URLs.

    `fields` maps a clip field name (id, audio_url, stream_url, image_url, title, duration, status, or any other)
    to its paths relative to the clip object. `streams` match live stream URLs, `placeholders` URLs that stand
    for no audio at all.
    """

    fields: tuple[tuple[str, tuple[JsonPath, ...]], ...]
    pending: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    success: tuple[str, ...] = ()
    failure: tuple[str, ...] = ()
    streams: tuple[UrlPattern, ...] = ()
    placeholders: tuple[UrlPattern, ...] = ()


@dataclass(frozen=True, slots=True)
class Poll:
    """How to read a task from a body (a poll response or a callback): status words, reason, clips, task type.

    `pending` statuses keep a wait going, `partial` ones too but carry the clips made so far, `success` and
    `failure` end it. Tasks whose `type` is in `without_clips` (lyrics) succeed without clips.
    """

    status: tuple[JsonPath, ...]
    pending: tuple[str, ...]
    success: tuple[str, ...]
    failure: tuple[str, ...]
    reason: tuple[JsonPath, ...]
    clips: tuple[JsonPath, ...]
    partial: tuple[str, ...] = ()
    type: tuple[JsonPath, ...] = ()
    without_clips: tuple[str, ...] = ()
    task_id: tuple[JsonPath, ...] = ()


@dataclass(frozen=True, slots=True)
class Timestamp:
    """A timestamped signature: the header with the unix time, what is signed, and how old it may be."""

    header: str
    message: str  # "{timestamp}.{body}": the signed text, with those two placeholders
    tolerance: float


@dataclass(frozen=True, slots=True)
class Signature:
    """How a callback is signed: a header carrying an HMAC of the raw body (or of a timestamped message)."""

    header: str
    algorithm: Literal["hmac-sha256"]
    prefixes: tuple[str, ...] = ("",)
    timestamp: Timestamp | None = None


@dataclass(frozen=True, slots=True)
class Callback:
    """A documented callback: its signature (None when unsigned), how to read the task it reports, and where a
    create's request body carries the signing secret (a secret like the API key: never shown in an error)."""

    signature: Signature | None
    read: Poll
    secret: tuple[JsonPath, ...] = ()


@dataclass(frozen=True, slots=True)
class SongTarget:
    """Where one field of a Song goes in a request body: the Song field's dotted name and the body's path."""

    field: str
    path: JsonPath


@dataclass(frozen=True, slots=True)
class SongSet:
    """What one value of a Song field becomes in a mode's body when it is no field's value: the constants it sends
    (none: the rest of the song already says it, as lyrics say a song is not an instrumental)."""

    field: str
    value: str | bool
    constants: tuple[tuple[JsonPath, str | int | float | bool | None], ...]


@dataclass(frozen=True, slots=True)
class SongMode:
    """One way a gateway takes a song (inspiration, custom, continuation): the body's constant parts (a mode
    switch, a fixed model name), where each Song field it honours goes, and what each value of a field it `sets`
    sends instead. A field it neither places nor sets it lacks; a value of a set field it does not list, too."""

    name: str
    constants: tuple[tuple[JsonPath, str | int | float | bool | None], ...]
    fields: tuple[SongTarget, ...]
    sets: tuple[SongSet, ...] = ()


@dataclass(frozen=True, slots=True)
class SongMapping:
    """How a vendor-neutral Song becomes one gateway's request: the create operation it is sent to, its modes,
    and the gateway's word for each value of an enumerated field (a model it does not list it does not offer)."""

    operation: str
    modes: tuple[SongMode, ...]
    values: tuple[tuple[str, tuple[tuple[str, str | int | float | bool], ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Vendor:
    """Everything the runtime client needs to know about one gateway, generated from its spec."""

    id: str
    title: str
    base_url: str | None
    env_key: str
    auth: Auth
    envelope: Envelope
    operations: tuple[Operation, ...]
    tasks: tuple[tuple[str, TaskRef], ...] = ()
    polls: tuple[tuple[str, Poll], ...] = ()
    errors: tuple[ErrorRule, ...] = ()
    clips: Clips | None = None
    callback: Callback | None = None
