"""Stage 2, check: every mistake in a loaded spec, at its line, before anything is built or written.

This module checks the document and its operations; the components' schemas are checked by check_schemas, the
x-sunogen extensions of meaning by check_semantics and the Song mapping by check_song.

The spec boundary is strict: unknown keys are errors, every `$ref` must resolve, and a JSON Schema keyword
outside the subset the rule compiler supports is an error at its line, never dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from .check_schemas import SchemaChecker
from .check_semantics import SemanticsChecker, needs_clips
from .check_song import SongChecker
from .diagnostics import SpecError
from .load import LoadedSpec, escape
from .schema_keywords import REF_PREFIX as REF_PREFIX  # re-exported: the build stages read it from here
from .schema_keywords import json_type, request_components

METHODS = frozenset({"get", "post"})
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

ALLOWED: dict[str, frozenset[str]] = {
    "root": frozenset({"openapi", "info", "servers", "security", "paths", "components", "tags",
                       "x-sunogen-envelope", "x-sunogen-callback", "x-sunogen-errors", "x-sunogen-clips",
                       "x-sunogen-song", "x-sunogen-features"}),
    "info": frozenset({"title", "version", "description", "summary", "x-sunogen-document"}),
    "server": frozenset({"url", "description"}),
    "components": frozenset({"schemas", "securitySchemes"}),
    "securityScheme": frozenset({"type", "in", "name", "scheme", "description", "bearerFormat"}),
    "pathItem": frozenset({"get", "post", "summary", "description"}),
    "operation": frozenset({"operationId", "summary", "description", "tags", "parameters", "requestBody",
                            "responses", "security", "deprecated", "x-sunogen-creates-task", "x-sunogen-task",
                            "x-sunogen-poll", "x-sunogen-errors"}),
    "parameter": frozenset({"name", "in", "required", "description", "schema", "example"}),
    "requestBody": frozenset({"required", "description", "content"}),
    "media": frozenset({"schema", "examples"}),
    "example": frozenset({"summary", "description", "value"}),
    "response": frozenset({"description", "content", "headers"}),
    "envelope": frozenset({"code", "success", "message", "data"}),
    "task": frozenset({"id", "poll", "type"}),
    "task type": frozenset({"field"}),
}  # fmt: skip


class _Checker:
    """Walks one loaded spec and collects every SpecError; `check()` below is the stage's entry point."""

    def __init__(self, spec: LoadedSpec) -> None:
        self.spec = spec
        self.errors: list[SpecError] = []
        doc = spec.document if isinstance(spec.document, dict) else {}
        components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
        schemas = components.get("schemas") if isinstance(components, dict) else None
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.operation_ids: dict[str, str] = {}
        # the components' schemas: keywords, formats, units, severities and named rules
        self.schema_checks = SchemaChecker(self.error, self.schemas)
        # the extensions that say what the gateway's errors, statuses, clips and callbacks mean
        self.semantics = SemanticsChecker(self.error, self.ref_only)
        self.clips = doc.get("x-sunogen-clips")

    def error(self, pointer: str, code: str, message: str) -> None:
        self.errors.append(self.spec.error(pointer, code, message))

    # -- generic helpers -------------------------------------------------------------------------------------

    def mapping(self, value: Any, pointer: str, kind: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(pointer, "wrong-type", f"expected a mapping ({kind}), got {json_type(value)}")
            return None
        for key in value:
            if key not in ALLOWED[kind]:
                self.error(f"{pointer}/{escape(key)}", "unknown-key", f"unknown key {key!r} in {kind}")
        return value

    def string(self, value: Any, pointer: str, *, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            self.error(pointer, "wrong-type", f"expected a non-empty string, got {json_type(value)}")
            return None
        return value

    def string_list(self, value: Any, pointer: str) -> list[str]:
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            self.error(pointer, "wrong-type", "expected a string or a non-empty list of strings")
            return []
        return value

    # -- document --------------------------------------------------------------------------------------------

    def run(self) -> list[SpecError]:
        doc = self.mapping(self.spec.document, "", "root")
        if doc is None:
            return self.errors
        for key in ("openapi", "info", "paths"):
            if key not in doc:
                self.error("", "missing-key", f"the document has no {key!r}")
        if "openapi" in doc and not (isinstance(doc["openapi"], str) and doc["openapi"].startswith("3.1.")):
            self.error("/openapi", "unsupported-version", "only OpenAPI 3.1.x documents are supported")
        self.info(doc.get("info"))
        self.servers(doc.get("servers"))
        self.security(doc)
        self.envelope(doc.get("x-sunogen-envelope"))
        self.paths(doc.get("paths"))
        self.schema_checks.components(self.request_components(doc.get("paths")))
        if "x-sunogen-callback" in doc:
            self.semantics.callback(doc["x-sunogen-callback"], self.clips, self.create_fields(doc.get("paths")))
        if "x-sunogen-errors" in doc:
            self.semantics.errors(doc["x-sunogen-errors"], "/x-sunogen-errors")
        if self.clips is not None:
            self.semantics.clips(self.clips, "/x-sunogen-clips")
        elif needs_clips(doc, _operations(doc.get("paths"))):
            self.error("", "missing-key", "the spec reports tasks but has no 'x-sunogen-clips': what a clip is")
        # how a vendor-neutral Song becomes this gateway's request, and what else the gateway does
        songs = SongChecker(self.error, doc)
        if "x-sunogen-song" in doc:
            songs.song(doc["x-sunogen-song"])
        if "x-sunogen-features" in doc:
            songs.features(doc["x-sunogen-features"])
        return self.errors

    def info(self, value: Any) -> None:
        info = self.mapping(value, "/info", "info")
        if info is None:
            return
        for key in ("title", "version", "x-sunogen-document"):
            if key not in info:
                self.error("/info", "missing-key", f"info has no {key!r}")
            else:
                self.string(info[key], f"/info/{key}")

    def servers(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list) or not value:
            self.error("/servers", "wrong-type", "servers must be a non-empty list (or absent: no fixed host)")
            return
        for i, server in enumerate(value):
            item = self.mapping(server, f"/servers/{i}", "server")
            if item is not None:
                url = self.string(item.get("url"), f"/servers/{i}/url")
                if url is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", url):
                    self.error(f"/servers/{i}/url", "bad-url", f"{url!r} is not an absolute http(s) URL")

    def security(self, doc: dict[str, Any]) -> None:
        components = doc.get("components")
        if components is not None:
            self.mapping(components, "/components", "components")
        schemes = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(schemes, dict) or len(schemes) != 1:
            self.error("/components", "auth", "exactly one entry in components.securitySchemes is required")
            return
        ((name, scheme),) = schemes.items()
        pointer = f"/components/securitySchemes/{escape(name)}"
        item = self.mapping(scheme, pointer, "securityScheme")
        if item is not None:
            kind = item.get("type")
            if kind == "apiKey":
                if item.get("in") != "header" or not isinstance(item.get("name"), str):
                    self.error(pointer, "auth", "an apiKey scheme must be `in: header` with a `name`")
            elif not (kind == "http" and item.get("scheme") == "bearer"):
                self.error(pointer, "auth", "the scheme must be `type: apiKey` or `type: http, scheme: bearer`")
        security = doc.get("security")
        if security != [{name: []}]:
            self.error("/security" if "security" in doc else "", "auth", f"top-level security must be [{{{name}: []}}]")

    def envelope(self, value: Any) -> None:
        if value is None:
            self.error("", "missing-key", "the document has no 'x-sunogen-envelope'")
            return
        item = self.mapping(value, "/x-sunogen-envelope", "envelope")
        if item is None:
            return
        success = item.get("success")
        if not isinstance(success, list) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in success
        ):
            self.error("/x-sunogen-envelope/success", "wrong-type", "success must be a list of strings or integers")
        for key in ("code", "message", "data"):
            if item.get(key) is not None:
                self.string(item[key], f"/x-sunogen-envelope/{key}")

    # -- paths -----------------------------------------------------------------------------------------------

    def paths(self, value: Any) -> None:
        if not isinstance(value, dict) or not value:
            self.error("/paths", "wrong-type", "paths must be a non-empty mapping")
            return
        operations: list[tuple[str, dict[str, Any]]] = []
        for path, item in value.items():
            pointer = f"/paths/{escape(path)}"
            if not path.startswith("/"):
                self.error(pointer, "bad-path", f"path {path!r} must start with '/'")
            path_item = self.mapping(item, pointer, "pathItem")
            if path_item is None:
                continue
            for method in METHODS & path_item.keys():
                op = self.operation(path, method, path_item[method], f"{pointer}/{method}")
                if op is not None:
                    operations.append((f"{pointer}/{method}", op))
        for pointer, op in operations:
            task = op.get("x-sunogen-task")
            if isinstance(task, dict) and isinstance(task.get("poll"), str):
                target = task["poll"]
                if target not in self.operation_ids:
                    self.error(f"{pointer}/x-sunogen-task/poll", "unknown-operation", f"no operation {target!r}")
                else:
                    target_op = self._operation_by_id(value, target)
                    if target_op is not None and "x-sunogen-poll" not in target_op:
                        self.error(
                            f"{pointer}/x-sunogen-task/poll", "not-pollable", f"{target!r} has no x-sunogen-poll"
                        )

    def _operation_by_id(self, paths: dict[str, Any], op_id: str) -> dict[str, Any] | None:
        for item in paths.values():
            if isinstance(item, dict):
                for method in METHODS & item.keys():
                    if isinstance(item[method], dict) and item[method].get("operationId") == op_id:
                        return item[method]  # type: ignore[no-any-return]
        return None

    def operation(self, path: str, method: str, value: Any, pointer: str) -> dict[str, Any] | None:
        op = self.mapping(value, pointer, "operation")
        if op is None:
            return None
        op_id = self.string(op.get("operationId"), f"{pointer}/operationId")
        if op_id is not None:
            if not IDENTIFIER.match(op_id):
                self.error(f"{pointer}/operationId", "bad-name", f"operationId {op_id!r} must be snake_case")
            elif op_id in self.operation_ids:
                self.error(f"{pointer}/operationId", "duplicate-operation", f"operationId {op_id!r} is used twice")
            self.operation_ids[op_id] = pointer
        declared = set(re.findall(r"{([^}]+)}", path))
        seen: set[str] = set()
        for i, param in enumerate(op.get("parameters") or []):
            p = self.mapping(param, f"{pointer}/parameters/{i}", "parameter")
            if p is None:
                continue
            name = self.string(p.get("name"), f"{pointer}/parameters/{i}/name")
            where = p.get("in")
            if where not in ("path", "query"):
                self.error(
                    f"{pointer}/parameters/{i}/in", "unsupported", "parameters must be `in: path` or `in: query`"
                )
            if where == "path":
                if name not in declared:
                    self.error(f"{pointer}/parameters/{i}", "bad-parameter", f"{name!r} is not in the path {path!r}")
                if p.get("required") is not True:
                    self.error(f"{pointer}/parameters/{i}", "bad-parameter", "a path parameter must be required")
                seen.add(name or "")
            if "schema" not in p:
                self.error(f"{pointer}/parameters/{i}", "missing-key", "a parameter needs a schema")
            else:
                self.schema_checks.schema(p["schema"], f"{pointer}/parameters/{i}/schema", request=True)
        for name in sorted(declared - seen):
            self.error(pointer, "bad-parameter", f"path parameter {{{name}}} is not declared in parameters")
        if "requestBody" in op:
            self.request_body(op["requestBody"], f"{pointer}/requestBody")
        self.responses(op.get("responses"), f"{pointer}/responses")
        creates = op.get("x-sunogen-creates-task", False)
        if not isinstance(creates, bool):
            self.error(f"{pointer}/x-sunogen-creates-task", "wrong-type", "expected true or false")
        if "x-sunogen-task" in op:
            task = self.mapping(op["x-sunogen-task"], f"{pointer}/x-sunogen-task", "task")
            if task is not None:
                self.string_list(task.get("id"), f"{pointer}/x-sunogen-task/id")
                self.string(task.get("poll"), f"{pointer}/x-sunogen-task/poll")
                if "type" in task:
                    self.task_type(task["type"], f"{pointer}/x-sunogen-task/type", self.request_fields(op))
        if "x-sunogen-poll" in op:
            self.semantics.poll(op["x-sunogen-poll"], f"{pointer}/x-sunogen-poll", self.clips)
        if "x-sunogen-errors" in op:
            self.semantics.errors(op["x-sunogen-errors"], f"{pointer}/x-sunogen-errors")
        return op

    def task_type(self, value: Any, pointer: str, request_fields: frozenset[str]) -> None:
        """The type word the poll reports for the created task: a word, or `{field: path}` into the request body."""
        if isinstance(value, dict):
            kind = self.mapping(value, pointer, "task type")
            field = None if kind is None else self.string(kind.get("field"), f"{pointer}/field")
            if field is not None and field.split(".")[0] not in request_fields:
                self.error(f"{pointer}/field", "unknown-field", f"{field!r} is not a field of this request body")
        elif not isinstance(value, str) or not value:
            self.error(pointer, "wrong-type", "expected a type word or {field: <path into the request body>}")

    def request_fields(self, op: dict[str, Any]) -> frozenset[str]:
        """The top-level fields of an operation's request body (none when it has no body or it does not resolve)."""
        body = op.get("requestBody")
        content = body.get("content") if isinstance(body, dict) else None
        media = content.get("application/json") if isinstance(content, dict) else None
        schema = media.get("schema") if isinstance(media, dict) else None
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        component = self.schemas.get(ref.removeprefix(REF_PREFIX)) if isinstance(ref, str) else None
        properties = component.get("properties") if isinstance(component, dict) else None
        return frozenset(properties) if isinstance(properties, dict) else frozenset()

    def create_fields(self, paths: Any) -> frozenset[str]:
        """The top-level fields of the request bodies of the operations that create tasks."""
        found: set[str] = set()
        for op in _operations(paths):
            if op.get("x-sunogen-creates-task") is True:
                found |= self.request_fields(op)
        return frozenset(found)

    def request_body(self, value: Any, pointer: str) -> None:
        body = self.mapping(value, pointer, "requestBody")
        if body is None:
            return
        media = self.content(body.get("content"), f"{pointer}/content")
        if media is None:
            return
        self.ref_only(media.get("schema"), f"{pointer}/content/application~1json/schema")

    def content(self, value: Any, pointer: str) -> dict[str, Any] | None:
        if not isinstance(value, dict) or set(value) != {"application/json"}:
            self.error(pointer, "unsupported", "content must have exactly one media type, application/json")
            return None
        media = self.mapping(value["application/json"], f"{pointer}/application~1json", "media")
        if media is not None and "examples" in media:
            examples = media["examples"]
            if not isinstance(examples, dict):
                self.error(f"{pointer}/application~1json/examples", "wrong-type", "examples must be a mapping")
            else:
                for name, example in examples.items():
                    ex_pointer = f"{pointer}/application~1json/examples/{escape(name)}"
                    ex = self.mapping(example, ex_pointer, "example")
                    if ex is not None and "value" not in ex:
                        self.error(ex_pointer, "missing-key", "an example needs a value")
        return media

    def responses(self, value: Any, pointer: str) -> None:
        if not isinstance(value, dict) or not value:
            self.error(pointer, "wrong-type", "responses must be a non-empty mapping")
            return
        success = [s for s in value if isinstance(s, str) and s.startswith("2")]
        if len(success) != 1:
            self.error(pointer, "responses", "exactly one 2xx response is required")
        for status, response in value.items():
            r_pointer = f"{pointer}/{escape(str(status))}"
            if not (isinstance(status, str) and re.match(r"^([1-5][0-9][0-9]|default)$", status)):
                self.error(r_pointer, "bad-status", f"{status!r} is not a status code (quote it: '200')")
            r = self.mapping(response, r_pointer, "response")
            if r is None:
                continue
            self.string(r.get("description"), f"{r_pointer}/description")
            if "content" in r:
                media = self.content(r["content"], f"{r_pointer}/content")
                if media is not None and "schema" in media:
                    self.ref_only(media["schema"], f"{r_pointer}/content/application~1json/schema")

    def ref_only(self, value: Any, pointer: str) -> str | None:
        if not isinstance(value, dict) or set(value) != {"$ref"}:
            self.error(pointer, "ref-required", f"expected {{$ref: '{REF_PREFIX}<Name>'}}")
            return None
        return self.ref(value["$ref"], f"{pointer}/$ref")

    def request_components(self, paths: Any) -> set[str]:
        """The components some request body reaches, directly or through $refs: these get the strict checks."""
        return request_components(self.schemas, _request_schemas(paths))

    def ref(self, value: Any, pointer: str) -> str | None:
        if not isinstance(value, str) or not value.startswith(REF_PREFIX):
            self.error(pointer, "bad-ref", f"a $ref must point into {REF_PREFIX!r}, got {value!r}")
            return None
        name = value.removeprefix(REF_PREFIX)
        if name not in self.schemas:
            self.error(pointer, "unresolved-ref", f"{value!r} does not resolve: no component {name!r}")
            return None
        return name


def _operations(paths: Any) -> list[dict[str, Any]]:
    if not isinstance(paths, dict):
        return []
    return [
        op
        for item in paths.values()
        if isinstance(item, dict)
        for method, op in item.items()
        if method in METHODS and isinstance(op, dict)
    ]


def _request_schemas(paths: Any) -> list[Any]:
    """The schema of every request body (what the strict checks start from), however malformed the paths are."""
    found: list[Any] = []
    for item in paths.values() if isinstance(paths, dict) else ():
        for method, op in item.items() if isinstance(item, dict) else ():
            body = op.get("requestBody") if method in METHODS and isinstance(op, dict) else None
            content = body.get("content") if isinstance(body, dict) else None
            for media in content.values() if isinstance(content, dict) else ():
                if isinstance(media, dict) and "schema" in media:
                    found.append(media["schema"])
    return found


def check(spec: LoadedSpec) -> list[SpecError]:
    """Every error in one loaded spec (empty when it is valid), in document order."""
    return sorted(_Checker(spec).run())
