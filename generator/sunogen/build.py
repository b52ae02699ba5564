"""Stage 3, build: a checked spec document to the immutable IR (names, types and literals decided here).

The methods of the clients and the TypedDicts of their keyword fields are decided by `methods` and `pytypes`.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from typing import Any, Literal

from . import build_semantics, build_song, ir
from .diagnostics import SpecErrors
from .load import LoadedSpec, escape
from .methods import plan_methods
from .model_shapes import shape_document
from .pytypes import TypedDicts, is_object
from .rules.keywords import KEYWORDS
from .rules.values import REF_PREFIX, freeze
from .rules.values import thaw as thaw  # re-exported: the models stage reads it from here
from .schema_keywords import names_a_rule, request_components

Severity = Literal["error", "warning"]
_PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def python_name(name: str) -> str:
    """A JSON field or parameter name as a Python identifier (`taskId` -> `task_id`, `from` -> `from_`,
    `2nd` -> `_2nd`: an identifier cannot start with a digit, so the underscore goes in front)."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    snake = re.sub(r"\W", "_", snake)
    if snake[:1].isdigit():
        return f"_{snake}"
    return f"{snake}_" if keyword.iskeyword(snake) else snake


def schema(node: Any, pointer: str, *, rules: bool, severity: Severity = "error") -> ir.Schema:
    """One schema node to IR: the keywords the table compiles, in spec order (annotations left out).

    With `rules` (a request component), a titled node below the component's root is a named rule; a rule inside a
    warning is a warning too.
    """
    if node is True or node is False:
        return ir.Schema(pointer, never=node is False)
    rule = None
    if rules and names_a_rule(node, pointer):
        if node.get("x-sunogen-severity") == "warning":
            severity = "warning"
        rule = ir.Rule(node["title"], node.get("description", node["title"]), severity)

    def keyword(key: str, value: Any) -> ir.KeywordValue:
        def child(sub: Any, step: str) -> ir.Schema:
            return schema(sub, f"{pointer}/{escape(key)}{step}", rules=rules, severity=severity)

        return KEYWORDS[key].value.read(value, child)

    stored = tuple(
        (key, keyword(key, value)) for key, value in node.items() if key in KEYWORDS and KEYWORDS[key].value.stored
    )
    return ir.Schema(pointer, stored, rule)


def _ref_name(media: dict[str, Any] | None) -> str | None:
    if not media or "schema" not in media:
        return None
    return str(media["schema"]["$ref"]).removeprefix(REF_PREFIX)


def _examples(media: dict[str, Any] | None) -> tuple[ir.Example, ...]:
    if not media:
        return ()
    return tuple(
        ir.Example(name, str(ex.get("summary", "")), freeze(ex["value"]))
        for name, ex in (media.get("examples") or {}).items()
    )


def _json_media(container: dict[str, Any]) -> dict[str, Any] | None:
    content = container.get("content")
    return content["application/json"] if content else None


def _param(p: dict[str, Any]) -> ir.Param:
    types = p["schema"].get("type", "string")
    py = " | ".join(_PY_TYPES.get(t, "str") for t in ([types] if isinstance(types, str) else types))
    return ir.Param(p["name"], python_name(p["name"]), p["in"], bool(p.get("required")), py, p.get("description", ""))


def _operation(path: str, method: str, op: dict[str, Any]) -> ir.Operation:
    body = op.get("requestBody")
    body_media = _json_media(body) if body else None
    responses = tuple(
        ir.Response(status, r.get("description", ""), _ref_name(_json_media(r)), _examples(_json_media(r)))
        for status, r in op.get("responses", {}).items()
    )
    success = next(r for r in responses if r.status.startswith("2"))
    return ir.Operation(
        id=op["operationId"],
        pointer=f"/paths/{escape(path)}/{method}",
        method="GET" if method == "get" else "POST",
        path=path,
        summary=str(op.get("summary", "")),
        description=str(op.get("description", "")),
        params=tuple(_param(p) for p in op.get("parameters", ())),
        request=_ref_name(body_media),
        request_examples=_examples(body_media),
        responses=responses,
        result_model=success.model,
        creates_task=bool(op.get("x-sunogen-creates-task", False)),
        task=build_semantics.task(op.get("x-sunogen-task")),
        poll=build_semantics.poll(op.get("x-sunogen-poll")),
        errors=build_semantics.error_rules(op.get("x-sunogen-errors")),
    )


def _typed_params(defs: dict[str, Any], operations: tuple[ir.Operation, ...]) -> tuple[TypedDicts, dict[str, str]]:
    """The TypedDicts of the request bodies' fields (and of the objects inside them), dependencies first."""
    typed = TypedDicts(defs)
    requests = dict.fromkeys(op.request for op in operations if op.request and is_object(defs[op.request]))
    params_of = {name: typed.component(name) for name in requests}
    return typed, params_of


def build(spec: LoadedSpec) -> ir.Vendor:
    """The IR of one checked spec. Raises SpecErrors for what only deciding the methods and their types finds."""
    doc = spec.document
    schemes = doc["components"]["securitySchemes"]
    ((scheme,),) = [tuple(schemes.values())]
    auth = ir.Auth("header", scheme["name"]) if scheme["type"] == "apiKey" else ir.Auth("bearer", "Authorization")
    env = doc["x-sunogen-envelope"]
    envelope = ir.Envelope(env.get("code"), tuple(env.get("success", ())), env.get("message"), env.get("data"))
    schemas: dict[str, Any] = doc["components"].get("schemas", {})
    operations = tuple(
        _operation(path, method, item[method])
        for path, item in doc["paths"].items()
        for method in ("get", "post")
        if method in item
    )
    request_names = request_components(
        schemas, [{"$ref": f"{REF_PREFIX}{op.request}"} for op in operations if op.request]
    )
    shapes = shape_document(schemas, request_names)
    typed, params_of = _typed_params(shapes["$defs"], operations)
    methods, problems = plan_methods(operations, envelope, shapes["$defs"], params_of)
    problems += typed.problems
    if problems:
        raise SpecErrors(spec.error(p.pointer, p.code, p.message) for p in problems)
    components = tuple(
        ir.Component(
            name,
            schema(node, f"/components/schemas/{escape(name)}", rules=name in request_names),
            name in request_names,
        )
        for name, node in schemas.items()
    )
    info = doc["info"]
    song = build_song.song(doc.get("x-sunogen-song"))
    return ir.Vendor(
        id=spec.vendor,
        # The header names the spec the same way wherever the specs folder is: byte-identical output.
        file=f"specs/{spec.vendor}.yaml",
        content_hash=hashlib.sha256(spec.text.encode()).hexdigest()[:16],
        title=info["title"],
        version=str(info["version"]),
        description=str(info.get("description", "")).strip(),
        document=info["x-sunogen-document"],
        base_url=doc["servers"][0]["url"] if doc.get("servers") else None,
        env_key=f"SUNOGEN_{spec.vendor.upper()}_API_KEY",
        auth=auth,
        envelope=envelope,
        components=components,
        shapes=ir.Frozen(tuple((k, freeze(v)) for k, v in shapes.items())),
        operations=operations,
        methods=methods,
        typed_params=tuple(typed.made.values()),
        callback=build_semantics.callback(doc.get("x-sunogen-callback")),
        errors=build_semantics.error_rules(doc.get("x-sunogen-errors")),
        clips=build_semantics.clips(doc.get("x-sunogen-clips")),
        song=song,
        song_limits=build_song.limits(doc, song),
        song_required=build_song.required(doc, song),
        features=build_song.features(doc.get("x-sunogen-features")),
    )
