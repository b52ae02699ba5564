"""The intermediate representation: frozen, typed values that every later stage reads and none mutates.

The IR owns every decision (names, ordering, Python literals); templates only print its attributes. This module
holds the spec-level nodes (operations, methods, the poll, callbacks, the song mapping, the vendor); the JSON values
and schema nodes they hold are in sunogen.ir_schema and are re-exported here, as most stages read both as `ir.X`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .ir_schema import Frozen as Frozen
from .ir_schema import JsonPath as JsonPath
from .ir_schema import JsonValue as JsonValue
from .ir_schema import KeywordValue as KeywordValue
from .ir_schema import Rule as Rule
from .ir_schema import Schema as Schema


@dataclass(frozen=True, slots=True)
class Component:
    """A named schema under components/schemas; `request` when some operation sends it."""

    name: str
    schema: Schema
    request: bool


@dataclass(frozen=True, slots=True)
class Example:
    """A request or response example, as the vendor document gives it."""

    name: str
    summary: str
    value: JsonValue


@dataclass(frozen=True, slots=True)
class Param:
    """A path or query parameter."""

    name: str
    python_name: str
    location: Literal["path", "query"]
    required: bool
    python_type: str
    description: str


@dataclass(frozen=True, slots=True)
class Response:
    """One documented response status of an operation."""

    status: str
    description: str
    model: str | None
    examples: tuple[Example, ...]


@dataclass(frozen=True, slots=True)
class TaskRef:
    """Where a create call's task id lives in its response, the operation that polls it, and the type word that
    poll reports for the task: a fixed word (`type`), or the request body's value at `type_field`."""

    id: tuple[JsonPath, ...]
    poll: str
    type: str | None = None
    type_field: JsonPath | None = None


# The semantics below (ErrorRule to Timestamp) are printed into each client's VENDOR block by their repr: each
# class and field is named as the runtime descriptor it becomes (runtime/spec_data.py).


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One entry of an error table: its matchers (HTTP status, envelope code, message part), kind and retries."""

    kind: str
    status: int | None = None
    code: str | int | None = None
    message: str | None = None
    retry_query: bool = False
    retry_create: bool = False


@dataclass(frozen=True, slots=True)
class UrlPattern:
    """A regular expression for audio URLs that are not a finished file, with an example it matches."""

    pattern: str
    example: str


@dataclass(frozen=True, slots=True)
class Clips:
    """What a clip is for this gateway: field paths by name, per-clip status words, stream and placeholder URLs."""

    fields: tuple[tuple[str, tuple[JsonPath, ...]], ...]
    pending: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    success: tuple[str, ...] = ()
    failure: tuple[str, ...] = ()
    streams: tuple[UrlPattern, ...] = ()
    placeholders: tuple[UrlPattern, ...] = ()


@dataclass(frozen=True, slots=True)
class Poll:
    """How a body (a query's response or a callback) reports a task: status words, reason, clips, task type."""

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
    """A timestamped signature scheme: the timestamp's header, the signed message, the accepted age in seconds."""

    header: str
    message: str
    tolerance: float


@dataclass(frozen=True, slots=True)
class Signature:
    """How a callback is signed: header, algorithm, the prefixes the digest may carry, an optional timestamp."""

    header: str
    algorithm: str
    prefixes: tuple[str, ...] = ("",)
    timestamp: Timestamp | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """One HTTP operation of a gateway; `pointer` locates it in the spec (for errors found after the check stage)."""

    id: str
    pointer: str
    method: Literal["GET", "POST"]
    path: str
    summary: str
    description: str
    params: tuple[Param, ...]
    request: str | None
    request_examples: tuple[Example, ...]
    responses: tuple[Response, ...]
    result_model: str | None
    creates_task: bool
    task: TaskRef | None
    poll: Poll | None
    errors: tuple[ErrorRule, ...] = ()


@dataclass(frozen=True, slots=True)
class TypedKey:
    """One key of a TypedDict of keyword fields: its JSON name, Python type, whether the schema requires it, its doc."""

    name: str
    python_type: str
    required: bool
    doc: str

    @property
    def annotation(self) -> str:
        """The key's annotation in a `total=False` TypedDict: `Required[...]` marks what the schema requires."""
        return f"Required[{self.python_type}]" if self.required else self.python_type


@dataclass(frozen=True, slots=True)
class TypedParams:
    """A TypedDict of keyword fields: those of a request model, or of an object nested in one.

    `component` is the component it mirrors (None for an object written inline). `class_syntax` is false when a
    key is not a Python identifier (`from`, `continue-at`): such a TypedDict is written in the functional form,
    which any string key can have.
    """

    name: str
    component: str | None
    doc: str
    keys: tuple[TypedKey, ...]
    class_syntax: bool


@dataclass(frozen=True, slots=True)
class Method:
    """A public method of both clients, decided once on the IR: its name, what it sends and what it returns.

    `kind` says which runtime call it makes: `call` sends `operation` and returns its model (`unwrap`: the
    envelope's data, validated with `response_model`); `create` sends a task-creating `operation` and returns a
    NewTask; `wait` polls `operation` until the task ends; `create_and_wait` sends `operation`, then polls `poll`.
    `returns` is the return annotation as printed; `params` the TypedDict of the request's fields, if any.
    """

    name: str
    kind: Literal["call", "create", "wait", "create_and_wait"]
    operation: Operation
    returns: str
    response_model: str
    unwrap: bool = False
    params: str | None = None
    poll: Operation | None = None


@dataclass(frozen=True, slots=True)
class Auth:
    """The API key's place: a named header (`header`) or `Authorization: Bearer` (`bearer`)."""

    kind: Literal["header", "bearer"]
    header: str


@dataclass(frozen=True, slots=True)
class Envelope:
    """The wrapper every body of a gateway shares."""

    code: str | None
    success: tuple[str | int, ...]
    message: str | None
    data: str | None


@dataclass(frozen=True, slots=True)
class Callback:
    """A documented callback: its payload model, its signature (None when unsigned), how it reports the task.

    `url` and `secret` are where a create's request body carries the callback URL and the signing secret, and
    `stages` the task stages at which the gateway sends one (the emulator reads these three).
    """

    model: str
    signature: Signature | None
    read: Poll
    url: tuple[JsonPath, ...] = ()
    secret: tuple[JsonPath, ...] = ()
    stages: tuple[str, ...] = ("success", "failure")


# The song mapping below (SongTarget to SongMapping) is printed into each vendor's _song.py by its repr, as the
# semantics are into VENDOR: each class and field is named as the runtime descriptor it becomes.


@dataclass(frozen=True, slots=True)
class SongTarget:
    """Where one Song field goes in a mode's request body."""

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
    """One mode of a gateway's song mapping: the body's constants, the place of each Song field it honours, and
    what each value of a field it sets sends."""

    name: str
    constants: tuple[tuple[JsonPath, str | int | float | bool | None], ...]
    fields: tuple[SongTarget, ...]
    sets: tuple[SongSet, ...] = ()


@dataclass(frozen=True, slots=True)
class SongMapping:
    """x-sunogen-song: the create operation a Song is sent to, its modes, and the gateway's word for each value."""

    operation: str
    modes: tuple[SongMode, ...]
    values: tuple[tuple[str, tuple[tuple[str, str | int | float | bool], ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class SongLimit:
    """The most characters a gateway takes for a Song field in a mode, for one model (None: whatever the model),
    found in the request schema (`rule`: the titled rule that sets it, None for the field's own maxLength)."""

    mode: str
    field: str
    model: str | None
    max_length: int
    rule: str | None


@dataclass(frozen=True, slots=True)
class Feature:
    """Something else a gateway does (x-sunogen-features): the operation, and the body constants that select it."""

    name: str
    operation: str
    when: tuple[tuple[JsonPath, str | int | float | bool | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Vendor:
    """One gateway, built from one spec: everything the render stage prints."""

    id: str
    file: str
    content_hash: str
    title: str
    version: str
    description: str
    document: str
    base_url: str | None
    env_key: str
    auth: Auth
    envelope: Envelope
    components: tuple[Component, ...]
    shapes: Frozen
    operations: tuple[Operation, ...]
    methods: tuple[Method, ...]
    typed_params: tuple[TypedParams, ...]
    callback: Callback | None
    errors: tuple[ErrorRule, ...] = ()
    clips: Clips | None = None
    song: SongMapping | None = None
    song_limits: tuple[SongLimit, ...] = ()
    song_required: tuple[tuple[str, tuple[str, ...]], ...] = ()
    features: tuple[Feature, ...] = ()
