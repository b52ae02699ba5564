"""Part of stage 3: the *shape* schema of each component, the layer datamodel-code-generator reads.

The rules (titled entries of allOf/anyOf/oneOf, if/then/else, not, and the keywords pydantic would check with other
semantics than JSON Schema's, or not at all) are compiled by `rules`, so they are left out here; what remains is
fields, JSON types, enums, defaults and static limits. A request object keeps the members its schema leaves open
(`additionalProperties` absent, or patterns), as validate() does. A response field holding a JSON document in a string
(`contentMediaType: application/json`) takes the shape of that document, marked `x-sunogen-content` so that the
response model parses the string first (runtime/model_bases.py); in a request it stays the string that is sent.
"""

from __future__ import annotations

from typing import Any

_RULE_KEYWORDS = frozenset(
    {
        "if", "then", "else", "not", "dependentRequired", "dependentSchemas", "propertyNames", "patternProperties",
        "prefixItems", "contains", "minContains", "maxContains", "uniqueItems", "multipleOf", "minProperties",
        "maxProperties", "contentMediaType", "contentSchema",
    }
)  # fmt: skip
_DROPPED = frozenset({"format", "pattern", "$comment", "examples", "deprecated"})
_APPLICATORS = ("allOf", "anyOf", "oneOf")
# Extensions the models read at run time (datamodel-code-generator copies them into Field(json_schema_extra=...)).
_KEPT_EXTENSIONS = frozenset({"x-sunogen-unit", "x-sunogen-content"})
CONTENT = "x-sunogen-content"


def _is_rule_list(children: list[Any]) -> bool:
    return any(isinstance(c, dict) and "title" in c for c in children)


def shape(node: Any, *, request: bool = False) -> Any:
    """The shape of a schema node: rules and formats removed, annotations and structure kept."""
    if not isinstance(node, dict):
        return node
    if not request and node.get("contentMediaType") == "application/json":
        document = shape(node.get("contentSchema", {}))
        kept = {k: node[k] for k in ("description", "title", "default") if k in node}
        return {**kept, **(document if isinstance(document, dict) else {}), CONTENT: "application/json"}
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _RULE_KEYWORDS or key in _DROPPED or (key.startswith("x-") and key not in _KEPT_EXTENSIONS):
            continue
        if key in _APPLICATORS and _is_rule_list(value):
            continue
        if key == "$ref":
            out[key] = value.replace("#/components/schemas/", "#/$defs/")
        elif key == "properties":
            out[key] = {name: shape(child, request=request) for name, child in value.items()}
        elif key in _APPLICATORS:
            out[key] = [shape(child, request=request) for child in value]
        elif key in ("items", "additionalProperties"):
            out[key] = shape(value, request=request)
        else:
            out[key] = value
    if request and ("properties" in node or "patternProperties" in node):
        out["additionalProperties"] = _request_extra(node, out)
    return out


def _request_extra(node: dict[str, Any], out: dict[str, Any]) -> Any:
    # A request model must accept every member validate() does (its validator runs first and decides): members
    # the schema leaves open, or that a patternProperties pattern admits, are extra members the model keeps.
    if "patternProperties" in node or "additionalProperties" not in node:
        return True
    return out["additionalProperties"]


def shape_document(components: dict[str, Any], requests: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """A JSON Schema document whose $defs are the shapes of every component, in spec order."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {name: shape(node, request=name in requests) for name, node in components.items()},
    }
