"""Runtime descriptors: the frozen data each generated vendor module fills in for the hand-written client.

Named tuples rather than frozen dataclasses: just as immutable and typed, and a client module that defines its
vendor with them imports several times faster (a frozen dataclass generates and compiles its methods at import).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

# A dotted path into a JSON body ("data.output.result"); alternatives are tried in order, first present wins.
JsonPath = tuple[str, ...]


class Auth(NamedTuple):
    """How the API key travels: an `apiKey` header (x-api-key) or `Authorization: Bearer <key>`."""

    kind: Literal["header", "bearer"]
    header: str


class Envelope(NamedTuple):
    """How a gateway wraps its JSON bodies: the status code field, its success values, message and data."""

    code: str | None
    success: tuple[str | int, ...]
    message: str | None
    data: str | None


class Param(NamedTuple):
    """A path or query parameter of an operation."""

    name: str
    python_name: str
    location: Literal["path", "query"]
    required: bool


class Operation(NamedTuple):
    """One HTTP operation: method, path template, parameters, and whether it costs credits."""

    id: str
    method: Literal["GET", "POST"]
    path: str
    params: tuple[Param, ...] = ()
    creates_task: bool = False
    has_body: bool = False


class TaskRef(NamedTuple):
    """On a create operation: where the new task id is in the response and which operation polls it."""

    id: tuple[JsonPath, ...]
    poll: str


class Poll(NamedTuple):
    """On a query operation: the status vocabulary and where status, reason and clips live in the body."""

    status: tuple[JsonPath, ...]
    pending: tuple[str, ...]
    success: tuple[str, ...]
    failure: tuple[str, ...]
    reason: tuple[JsonPath, ...]
    clips: tuple[JsonPath, ...]
    clip_id: tuple[JsonPath, ...]
    clip_audio_url: tuple[JsonPath, ...]
    clip_image_url: tuple[JsonPath, ...]
    clip_title: tuple[JsonPath, ...]
    clip_duration: tuple[JsonPath, ...]
    clip_status: tuple[JsonPath, ...] = ()
    clip_success: tuple[str, ...] = ()
    clip_failure: tuple[str, ...] = ()


class Signature(NamedTuple):
    """How a callback is signed: a header carrying a hex HMAC of the raw body."""

    header: str
    algorithm: Literal["hmac-sha256"]


class Vendor(NamedTuple):
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
    callback_signature: Signature | None = None
