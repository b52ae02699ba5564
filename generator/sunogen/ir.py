"""The intermediate representation: frozen, typed values that every later stage reads and none mutates.

The IR owns every decision (names, ordering, Python literals); templates only print its attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

JsonValue: TypeAlias = "str | int | float | bool | tuple[JsonValue, ...] | Frozen | None"
JsonPath: TypeAlias = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Frozen:
    """A JSON object made immutable: its items in document order."""

    items: tuple[tuple[str, JsonValue], ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """A named rule of a vendor document: its id (the schema's title), its human message (its description), and
    whether breaking it is an error (the document's words make the payload invalid) or a warning (advice)."""

    id: str
    message: str
    severity: Literal["error", "warning"] = "error"


@dataclass(frozen=True, slots=True)
class Schema:
    """One JSON Schema node of the supported subset; `ref` names a component instead of inlining it."""

    pointer: str
    ref: str | None = None
    types: tuple[str, ...] = ()
    enum: tuple[JsonValue, ...] | None = None
    has_const: bool = False
    const: JsonValue = None
    properties: tuple[tuple[str, Schema], ...] = ()
    required: tuple[str, ...] = ()
    additional: Schema | bool | None = None
    property_names: Schema | None = None
    dependent_required: tuple[tuple[str, tuple[str, ...]], ...] = ()
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive_minimum: int | float | None = None
    exclusive_maximum: int | float | None = None
    items: Schema | None = None
    min_items: int | None = None
    max_items: int | None = None
    all_of: tuple[Schema, ...] = ()
    any_of: tuple[Schema, ...] = ()
    one_of: tuple[Schema, ...] = ()
    not_: Schema | None = None
    if_: Schema | None = None
    then: Schema | None = None
    else_: Schema | None = None
    rule: Rule | None = None


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
    """Where a create call's task id lives in its response, and the operation that polls it."""

    id: tuple[JsonPath, ...]
    poll: str


@dataclass(frozen=True, slots=True)
class Poll:
    """A query operation's status vocabulary and where to find status, failure reason and clips."""

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
    clip_status: tuple[JsonPath, ...]
    clip_success: tuple[str, ...]
    clip_failure: tuple[str, ...]


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
    """A documented callback payload and, where the vendor signs it, its signature header."""

    model: str
    signature_header: str | None
    signature_algorithm: str | None


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
