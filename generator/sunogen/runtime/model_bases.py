"""Base classes of the generated pydantic models: strict, closed requests that run the spec's rules; open responses."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .request_bodies import rules_of
from .request_bodies import to_json as to_json
from .violations import Violation

log = logging.getLogger("suno_clients")


def _loc(path: str) -> tuple[str | int, ...]:
    # "$.input.prompt" -> ("input", "prompt"); "$.ids[0]" -> ("ids", 0)
    parts: list[str | int] = []
    for piece in path.removeprefix("$").replace("[", ".[").split("."):
        if not piece:
            continue
        if piece.startswith("[") and piece.endswith("]"):
            inner = piece[1:-1]
            parts.append(int(inner) if inner.isdigit() else inner.strip('"'))
        else:
            parts.append(piece)
    return tuple(parts)


def violations_error(title: str, violations: Sequence[Violation], payload: object) -> ValidationError:
    """A pydantic ValidationError with one line per violation, worded as `sunogen validate` words it."""
    return ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(
                    "sunogen_rule", "{message} [{rule}]", {"message": v.message, "rule": v.rule or v.keyword}
                ),
                loc=_loc(v.path),
                input=payload,
            )
            for v in violations
        ],
    )


class RequestModel(BaseModel):
    """A request body: unknown fields are errors, JSON types are strict, and the spec's rules run first.

    A rule the spec marks as a warning does not reject the model: the warning is logged at WARNING.

    Strictness comes from the compiled validator, which runs on the JSON before pydantic sees it and follows
    JSON Schema exactly ("false" is not false, but 30.0 is an integer). pydantic's own strict mode would reject
    30.0 for an int field and so disagree with `validate()`; after the validator, its lax mode has nothing left
    to coerce but integral floats.
    """

    # defer_build: a model's validator is built on its first use, not at import, so a vendor module's models cost
    # only what a call actually validates.
    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="forbid", protected_namespaces=(), populate_by_name=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _run_spec_rules(cls, data: Any) -> Any:
        check = rules_of(cls)
        if check is None:
            return data
        payload = to_json(data)
        violations = check(payload)
        if violations:
            errors = [v for v in violations if v.severity == "error"]
            if errors:
                raise violations_error(cls.__name__, errors, payload)
            for warning in violations:
                log.warning("%s: %s", cls.__name__, warning)
        return data


# A unix time this large in seconds would be in the year 5138: it is milliseconds (some gateways document those).
_MILLISECONDS_FROM = 100_000_000_000


def unix_seconds(value: Any) -> Any:
    """A unix time in seconds or milliseconds, as whole seconds; anything else is left for validation to judge."""
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= _MILLISECONDS_FROM:
        return int(value // 1000)
    return value


def json_document(value: Any) -> Any:
    """The JSON document a string carries, parsed; anything else (or a string that is not JSON) is left for
    validation to judge, which then reports the field."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# What a field the spec marks gets before validation: x-sunogen-unit: unix-time, x-sunogen-content: application/json.
_CONVERSIONS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("x-sunogen-unit", "unix-time"): unix_seconds,
    ("x-sunogen-content", "application/json"): json_document,
}
_converted: dict[type[BaseModel], tuple[tuple[str, Callable[[Any], Any]], ...]] = {}


def _conversions(cls: type[BaseModel]) -> tuple[tuple[str, Callable[[Any], Any]], ...]:
    # (JSON name, conversion) of the fields the spec marks, read once per class
    if cls not in _converted:
        if not cls.__pydantic_complete__:
            # validated as a member of another model, a deferred class may still hold forward references, whose
            # Field(json_schema_extra=...) is not read yet: building it resolves them
            cls.model_rebuild()
        found: list[tuple[str, Callable[[Any], Any]]] = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict):
                found.extend(
                    (field.alias or name, convert)
                    for (key, value), convert in _CONVERSIONS.items()
                    if extra.get(key) == value
                )
        _converted[cls] = tuple(found)
    return _converted[cls]


class ResponseModel(BaseModel):
    """A response body: gateways add fields unannounced, so extra fields are kept, never rejected.

    Fields the spec marks `x-sunogen-unit: unix-time` accept seconds or milliseconds and hold seconds; fields it
    marks `x-sunogen-content: application/json` (a JSON document carried in a string) hold the parsed document.
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", protected_namespaces=(), populate_by_name=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _convert_marked_fields(cls, data: Any) -> Any:
        fields = _conversions(cls)
        if not fields or not isinstance(data, dict):
            return data
        return {**data, **{key: convert(data[key]) for key, convert in fields if key in data}}
