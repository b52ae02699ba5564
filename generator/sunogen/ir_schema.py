"""The IR of JSON values and schemas: immutable JSON, the schema nodes the keyword table reads, and named rules.

What the rules compiler (sunogen.rules), the models stage and the emulator read of a schema. The spec-level nodes
(operations, methods, the vendor) are in sunogen.ir, which re-exports these.
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


KeywordValue: TypeAlias = "JsonValue | Schema | tuple[Schema, ...] | tuple[tuple[str, Schema], ...]"
"""What a keyword holds in the IR: a JSON value, a subschema, a list of them, or named subschemas (properties)."""


@dataclass(frozen=True, slots=True)
class Schema:
    """One JSON Schema node: the keywords the rules compiler reads, in spec order (annotations left out).

    Which keywords exist and what each holds is decided by the keyword table (sunogen.rules.keywords); the typed
    accessors below read a keyword's value and fail loudly if the table and the IR ever disagree. `never` is the
    boolean schema `false` (no value is valid); `true` and `{}` are a node without keywords.
    """

    pointer: str
    keywords: tuple[tuple[str, KeywordValue], ...] = ()
    rule: Rule | None = None
    never: bool = False

    def has(self, keyword: str) -> bool:
        return any(name == keyword for name, _ in self.keywords)

    def get(self, keyword: str) -> KeywordValue:
        """The value of a keyword the node has (KeyError otherwise: ask `has` first)."""
        for name, value in self.keywords:
            if name == keyword:
                return value
        raise KeyError(keyword)

    def json(self, keyword: str) -> JsonValue:
        """A keyword holding a JSON value (const, enum...), None when absent (ask `has` for `const: null`)."""
        value = self.get(keyword) if self.has(keyword) else None
        assert not isinstance(value, Schema), keyword
        return value  # type: ignore[return-value]

    def number(self, keyword: str) -> int | float | None:
        value = self.json(keyword)
        assert value is None or isinstance(value, int | float), keyword
        return value

    def text(self, keyword: str) -> str | None:
        value = self.json(keyword)
        assert value is None or isinstance(value, str), keyword
        return value

    def names(self, keyword: str) -> tuple[str, ...]:
        value = self.json(keyword) or ()
        assert isinstance(value, tuple), keyword
        return tuple(str(v) for v in value)

    def schema(self, keyword: str) -> Schema | None:
        value = self.get(keyword) if self.has(keyword) else None
        assert value is None or isinstance(value, Schema), keyword
        return value

    def schemas(self, keyword: str) -> tuple[Schema, ...]:
        value = self.get(keyword) if self.has(keyword) else ()
        assert isinstance(value, tuple), keyword
        return tuple(v for v in value if isinstance(v, Schema))

    def members(self, keyword: str) -> tuple[tuple[str, Schema], ...]:
        """A keyword naming subschemas (properties, patternProperties, dependentSchemas), in spec order."""
        value = self.get(keyword) if self.has(keyword) else ()
        assert isinstance(value, tuple), keyword
        return value  # type: ignore[return-value]

    # -- views for readers outside the rules compiler (model and type mapping), named as JSON Schema's shape --

    @property
    def ref(self) -> str | None:
        """The component a `$ref` names."""
        return self.text("$ref")

    @property
    def types(self) -> tuple[str, ...]:
        """The JSON types `type` allows (empty: any)."""
        return self.names("type")

    @property
    def enum(self) -> tuple[JsonValue, ...] | None:
        value = self.json("enum")
        assert value is None or isinstance(value, tuple)
        return value

    @property
    def has_const(self) -> bool:
        return self.has("const")

    @property
    def const(self) -> JsonValue:
        return self.json("const")

    @property
    def properties(self) -> tuple[tuple[str, Schema], ...]:
        return self.members("properties")

    @property
    def required(self) -> tuple[str, ...]:
        return self.names("required")

    @property
    def additional(self) -> Schema | bool | None:
        """additionalProperties as the spec wrote it: False, True (a schema that allows all) or a schema."""
        value = self.schema("additionalProperties")
        if value is None or not (value.never or not value.keywords):
            return value
        return not value.never

    @property
    def property_names(self) -> Schema | None:
        return self.schema("propertyNames")

    @property
    def dependent_required(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self.json("dependentRequired")
        if not isinstance(value, Frozen):
            return ()
        return tuple(
            (name, tuple(str(n) for n in needed if isinstance(n, str)))
            for name, needed in value.items
            if isinstance(needed, tuple)
        )

    @property
    def min_length(self) -> int | None:
        return _count(self.number("minLength"))

    @property
    def max_length(self) -> int | None:
        return _count(self.number("maxLength"))

    @property
    def pattern(self) -> str | None:
        return self.text("pattern")

    @property
    def format(self) -> str | None:
        return self.text("format")

    @property
    def minimum(self) -> int | float | None:
        return self.number("minimum")

    @property
    def maximum(self) -> int | float | None:
        return self.number("maximum")

    @property
    def exclusive_minimum(self) -> int | float | None:
        return self.number("exclusiveMinimum")

    @property
    def exclusive_maximum(self) -> int | float | None:
        return self.number("exclusiveMaximum")

    @property
    def items(self) -> Schema | None:
        return self.schema("items")

    @property
    def min_items(self) -> int | None:
        return _count(self.number("minItems"))

    @property
    def max_items(self) -> int | None:
        return _count(self.number("maxItems"))

    @property
    def all_of(self) -> tuple[Schema, ...]:
        return self.schemas("allOf")

    @property
    def any_of(self) -> tuple[Schema, ...]:
        return self.schemas("anyOf")

    @property
    def one_of(self) -> tuple[Schema, ...]:
        return self.schemas("oneOf")

    @property
    def not_(self) -> Schema | None:
        return self.schema("not")

    @property
    def if_(self) -> Schema | None:
        return self.schema("if")

    @property
    def then(self) -> Schema | None:
        return self.schema("then")

    @property
    def else_(self) -> Schema | None:
        return self.schema("else")


def _count(value: int | float | None) -> int | None:
    return None if value is None else int(value)
