"""The keyword table: one entry per JSON Schema 2020-12 keyword a spec may use, and everything about it.

An entry says how the keyword's value must look (`value`, read by the check and build stages), which JSON type it
constrains (`applies_to`: a string keyword says nothing about a number), and how it compiles (`compile`: the
checks it asks of a value, see checks.py, each with its test and its violation message). The valid pass and the
violation pass derive from these checks alone, the way `jsonschema`'s `_keywords.py` drives its validator:
adding a keyword is adding an entry here, its compile function beside its kind (value_keywords.py,
object_keywords.py, applicator_keywords.py), and its cases to tests/test_keywords.py. A keyword absent from the
table is a spec error (`unsupported-keyword`), never dropped silently.

Entries are in the order their checks run: `type` first (a value of the wrong type gets that one violation), then
the value keywords, each type's keywords together (one type test guards them all), then the applicators.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import applicator_keywords as applicators
from . import object_keywords as objects
from . import value_keywords as values
from .checks import Compile
from .value_keywords import FORMATS
from .values import (
    Annotation,
    Choice,
    Count,
    Flag,
    Format,
    NamedSubschemas,
    NameLists,
    Names,
    Number,
    Ref,
    Regex,
    Subschema,
    Subschemas,
    Text,
    Types,
    Value,
    Values,
)

__all__ = ["FORMATS", "KEYWORDS", "Keyword"]


@dataclass(frozen=True, slots=True)
class Keyword:
    """One JSON Schema keyword: its value's kind, the type it constrains, and the checks it compiles to.

    `compile` is None for an annotation, and for a keyword another entry reads (`then` is compiled by `if`);
    `needs` names the keyword without which it means nothing (a spec error otherwise). `positions`: its
    subschemas apply to places in the payload's shape (a member, an item), which get the JSON-value checks.
    `in_place`: its subschemas apply to the very value the node applies to (a schema that reaches itself this
    way would never finish validating).
    """

    value: Value
    applies_to: str | None = None
    compile: Compile | None = None
    needs: str | None = None
    positions: bool = False
    in_place: bool = False


KEYWORDS: dict[str, Keyword] = {
    "type": Keyword(Types(), compile=values.type_),
    "enum": Keyword(Values(), compile=values.enum),
    "const": Keyword(Value(), compile=values.const),
    "minLength": Keyword(Count(), "string", values.min_length),
    "maxLength": Keyword(Count(), "string", values.max_length),
    "pattern": Keyword(Regex(), "string", values.pattern),
    "format": Keyword(Format(), "string", values.format_),
    "contentMediaType": Keyword(Choice("application/json", code="unsupported-media-type"), "string", values.media_type),
    "contentSchema": Keyword(Subschema(), needs="contentMediaType"),
    "minimum": Keyword(Number(), "number", values.bound("minimum", ">=", "at least")),
    "maximum": Keyword(Number(), "number", values.bound("maximum", "<=", "at most")),
    "exclusiveMinimum": Keyword(Number(), "number", values.bound("exclusiveMinimum", ">", "greater than")),
    "exclusiveMaximum": Keyword(Number(), "number", values.bound("exclusiveMaximum", "<", "less than")),
    "multipleOf": Keyword(Number(positive=True), "number", values.multiple_of),
    "required": Keyword(Names(), "object", objects.required),
    "properties": Keyword(NamedSubschemas(), "object", objects.properties, positions=True),
    "additionalProperties": Keyword(Subschema(), "object", objects.additional_properties),
    "patternProperties": Keyword(NamedSubschemas(patterns=True), "object", objects.pattern_properties),
    "propertyNames": Keyword(Subschema(), "object", objects.property_names),
    "dependentRequired": Keyword(NameLists(), "object", objects.dependent_required),
    "dependentSchemas": Keyword(NamedSubschemas(), "object", objects.dependent_schemas, in_place=True),
    "minProperties": Keyword(Count(), "object", values.size("minProperties", ">=", "at least", "member")),
    "maxProperties": Keyword(Count(), "object", values.size("maxProperties", "<=", "at most", "member")),
    "prefixItems": Keyword(Subschemas(), "array", applicators.prefix_items, positions=True),
    "items": Keyword(Subschema(), "array", applicators.items, positions=True),
    "minItems": Keyword(Count(), "array", values.size("minItems", ">=", "at least", "item")),
    "maxItems": Keyword(Count(), "array", values.size("maxItems", "<=", "at most", "item")),
    "uniqueItems": Keyword(Flag(), "array", applicators.unique_items),
    "contains": Keyword(Subschema(), "array", applicators.contains),
    "minContains": Keyword(Count(), needs="contains"),
    "maxContains": Keyword(Count(), needs="contains"),
    "$ref": Keyword(Ref(), compile=applicators.ref, in_place=True),
    "allOf": Keyword(Subschemas(), compile=applicators.all_of, in_place=True),
    "anyOf": Keyword(Subschemas(), compile=applicators.any_of, in_place=True),
    "oneOf": Keyword(Subschemas(), compile=applicators.one_of, in_place=True),
    "not": Keyword(Subschema(), compile=applicators.not_, in_place=True),
    "if": Keyword(Subschema(), compile=applicators.if_, in_place=True),
    "then": Keyword(Subschema(), needs="if", in_place=True),
    "else": Keyword(Subschema(), needs="if", in_place=True),
    "title": Keyword(Text()),
    "description": Keyword(Text()),
    "$comment": Keyword(Text()),
    "default": Keyword(Annotation()),
    "examples": Keyword(Annotation()),
    "deprecated": Keyword(Annotation()),
}
"""Every keyword a spec may use, in the order their checks run."""
