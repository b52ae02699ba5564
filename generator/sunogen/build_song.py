"""Stage 3, build (part): the checked x-sunogen-song and x-sunogen-features to IR, and the limits a mapping meets.

Modes, fields and values are put in the vocabulary's order (runtime/song_fields.py), not the spec's, so the
generated mapping and the capability matrix read the same way for every gateway and reordering a spec changes
neither. The limits are found by judging each mode's body, per model, against the request schema (song_schema.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import ir
from .runtime.song_fields import MODES, SONG_FIELDS, choices
from .song_schema import holds, max_length, resolve


def _path(dotted: str) -> ir.JsonPath:
    return tuple(dotted.split("."))


def song(value: Any) -> ir.SongMapping | None:
    """The song mapping: each mode's constants (as written), targets and sets, and the values maps, in vocabulary
    order."""
    if value is None:
        return None
    modes = []
    for name in MODES:
        if name not in value["modes"]:
            continue
        mode = value["modes"][name]
        fields = mode["fields"]
        modes.append(
            ir.SongMode(
                name=name,
                constants=tuple((_path(path), constant) for path, constant in mode.get("constants", {}).items()),
                fields=tuple(ir.SongTarget(field, _path(fields[field])) for field in SONG_FIELDS if field in fields),
                sets=_sets(mode.get("set", [])),
            )
        )
    values = value.get("values", {})
    return ir.SongMapping(
        operation=value["operation"],
        modes=tuple(modes),
        values=tuple(
            (field, tuple((word, values[field][word]) for word in kind.values if word in values[field]))
            for field, kind in SONG_FIELDS.items()
            if kind.values is not None and field in values
        ),
    )


def _sets(entries: list[dict[str, Any]]) -> tuple[ir.SongSet, ...]:
    """A mode's `set`: what each value it lists sends, in vocabulary order (fields, then each field's values)."""
    sends = {next(iter(e["when"].items())): e["send"] for e in entries}
    return tuple(
        ir.SongSet(field, choice, tuple((_path(path), constant) for path, constant in sends[field, choice].items()))
        for field in SONG_FIELDS
        for choice in choices(field) or ()
        if (field, choice) in sends
    )


def features(value: Any) -> tuple[ir.Feature, ...]:
    """What else the gateway does, in the order the spec lists it."""
    return tuple(
        ir.Feature(name, entry["operation"], tuple((_path(p), v) for p, v in entry.get("when", {}).items()))
        for name, entry in (value or {}).items()
    )


def request_schema(document: Mapping[str, Any], operation: str) -> Any:
    """The request schema of an operation, by its operationId."""
    schemas = document["components"]["schemas"]
    for item in document["paths"].values():
        for method in ("get", "post"):
            op = item.get(method)
            if op is not None and op["operationId"] == operation:
                ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                return resolve(schemas, {"$ref": ref})
    raise KeyError(operation)


def limits(document: Mapping[str, Any], mapping: ir.SongMapping | None) -> tuple[ir.SongLimit, ...]:
    """The most characters each free-text Song field may have in each mode, per model where models differ.

    Each is the lowest maxLength the request schema applies at the field's path to a body of that mode: its
    constants, a short text in every free-text field it places, and the model (or none) a song would send.
    """
    if mapping is None:
        return ()
    schemas = document["components"]["schemas"]
    root = request_schema(document, mapping.operation)
    words = {field: dict(pairs) for field, pairs in mapping.values}
    found: list[ir.SongLimit] = []
    for mode in mapping.modes:
        targets = {target.field: target.path for target in mode.fields}
        models: list[str | None] = [None]
        if "model" in targets:
            models += list(words.get("model", {}))
        for field, path in targets.items():
            kind = SONG_FIELDS[field]
            if kind.json_type != "string" or kind.values is not None:
                continue
            per_model = {
                model: max_length(schemas, root, _sample(mode, targets, words, model), path) for model in models
            }
            if len(set(per_model.values())) == 1:
                limit = per_model[None]
                if limit is not None:
                    found.append(ir.SongLimit(mode.name, field, None, limit[0], limit[1]))
                continue
            for model, limit in per_model.items():
                if limit is not None:
                    found.append(ir.SongLimit(mode.name, field, model, limit[0], limit[1]))
    return tuple(found)


def required(document: Mapping[str, Any], mapping: ir.SongMapping | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The Song fields each mode cannot do without: those whose absence makes the request schema refuse a body of
    the mode that has every other field it places (its rules judged, advice aside). Per mode, in its fields' order."""
    if mapping is None:
        return ()
    schemas = document["components"]["schemas"]
    root = request_schema(document, mapping.operation)
    words = {field: dict(pairs) for field, pairs in mapping.values}
    found = []
    for mode in mapping.modes:
        targets = {target.field: target.path for target in mode.fields}
        model = next(iter(words.get("model", {})), None)
        if holds(schemas, root, _sample(mode, targets, words, model)) is not True:
            continue  # a full body the schema does not take (or cannot judge) says nothing of any one field
        needed = tuple(
            field
            for field in targets
            if holds(schemas, root, _sample(mode, {f: p for f, p in targets.items() if f != field}, words, model))
            is False
        )
        found.append((mode.name, needed))
    return tuple(found)


def _sample(
    mode: ir.SongMode, targets: dict[str, ir.JsonPath], words: dict[str, dict[str, Any]], model: str | None
) -> dict[str, Any]:
    """A body of the mode as a song would make it: constants, a short text in each free-text field, false in each
    flag, a number in each number, the first word of each enumerated field but the model, which is `model` (or
    left out); and what the mode sets for such values of the fields it sets."""
    body: dict[str, Any] = {}
    for path, constant in mode.constants:
        _put(body, path, constant)
    for field, path in targets.items():
        kind = SONG_FIELDS[field]
        if field == "model":
            if model is not None:
                _put(body, path, words["model"][model])
        elif kind.json_type == "boolean":
            _put(body, path, False)
        elif kind.values is not None:
            _put(body, path, next(iter(words[field].values())))
        elif kind.json_type == "string":
            _put(body, path, "x")
        elif kind.json_type == "number":
            _put(body, path, 0)
    for field, value in _sample_sets(mode, model):
        for path, constant in next(s.constants for s in mode.sets if (s.field, s.value) == (field, value)):
            _put(body, path, constant)
    return body


def _sample_sets(mode: ir.SongMode, model: str | None) -> list[tuple[str, str | bool]]:
    """The value of each field the mode sets that a sample body has: false for a flag, `model` for the model (when
    the mode lists it), the first value listed for any other."""
    listed: dict[str, list[str | bool]] = {}
    for entry in mode.sets:
        listed.setdefault(entry.field, []).append(entry.value)
    found: list[tuple[str, str | bool]] = []
    for field, values in listed.items():
        wanted: str | bool | None = model if field == "model" else False if False in values else values[0]
        if wanted is not None and wanted in values:
            found.append((field, wanted))
    return found


def _put(body: dict[str, Any], path: ir.JsonPath, value: Any) -> None:
    *parents, last = path
    node = body
    for segment in parents:
        node = node.setdefault(segment, {})
    node[last] = value
