"""Base classes of the generated pydantic models: strict, closed requests that run the spec's rules; open responses."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .bodies import rules_of
from .bodies import to_json as to_json
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


_units: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}


def _unit_fields(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    # (JSON name, unit) of the fields the spec marks with x-sunogen-unit, read once per class
    if cls not in _units:
        found = []
        for name, field in cls.model_fields.items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and isinstance(extra.get("x-sunogen-unit"), str):
                found.append((field.alias or name, str(extra["x-sunogen-unit"])))
        _units[cls] = tuple(found)
    return _units[cls]


class ResponseModel(BaseModel):
    """A response body: gateways add fields unannounced, so extra fields are kept, never rejected.

    Fields the spec marks `x-sunogen-unit: unix-time` accept seconds or milliseconds and hold seconds.
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", protected_namespaces=(), populate_by_name=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _normalise_units(cls, data: Any) -> Any:
        fields = _unit_fields(cls)
        if not fields or not isinstance(data, dict):
            return data
        return {**data, **{key: unix_seconds(data[key]) for key, _ in fields if key in data}}
