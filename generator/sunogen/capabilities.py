"""The capability matrix: gateways by features, derived from the specs alone (their song mappings, schemas and
extensions), printed as Markdown (docs/capabilities.md) or JSON by `sunogen capabilities`.

Every cell is computed here from the IR the build stage makes; templates/capabilities.md.jinja only prints the
rows. Nothing is typed by hand: a spec that changes a mapping, a model name, a limit or a signature changes the
matrix, and tests/test_capabilities.py holds docs/capabilities.md to what the specs produce.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ir
from .diagnostics import SpecError, SpecErrors
from .runtime.song_fields import FEATURES, MODES

NO = "—"
DOCUMENT = "docs/capabilities.md"


@dataclass(frozen=True, slots=True)
class Row:
    """One feature: its label and each gateway's cell, in the columns' order."""

    label: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Matrix:
    """The whole matrix: the gateways (columns), the rows, each gateway's limits in full, and a content hash."""

    vendors: tuple[ir.Vendor, ...]
    rows: tuple[Row, ...]
    limits: tuple[tuple[str, tuple[str, ...]], ...]
    digest: str


def built(sources: dict[str, str]) -> tuple[ir.Vendor, ...]:
    """The IR of every spec (load, check, build: no models, no rules). Raises SpecErrors with every error."""
    from .build import build
    from .check import check
    from .load import load

    if not sources:
        raise SpecErrors([SpecError("specs", 1, 1, "no-specs", "no <vendor>.yaml files found")])
    errors: list[SpecError] = []
    vendors = []
    for file, text in sources.items():
        try:
            spec = load(file, text)
            found = check(spec)
            errors.extend(found)
            if not found:
                vendors.append(build(spec))
        except SpecErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise SpecErrors(errors)
    return tuple(vendors)


# -- cells ---------------------------------------------------------------------------------------------------------


def _modes_placing(vendor: ir.Vendor, field: str) -> str:
    """The modes whose mapping places (or sets) a Song field: `all`, a list, or — when none does."""
    if vendor.song is None:
        return NO
    modes = [mode.name for mode in vendor.song.modes if any(t.field == field for t in mode.fields + mode.sets)]
    if not modes:
        return NO
    return "all modes" if len(modes) == len(vendor.song.modes) and len(modes) > 1 else ", ".join(modes)


def _with_sets(vendor: ir.Vendor, field: str) -> str:
    """The modes that honour a field, then what the modes that set it send for each value, modes alike grouped:
    `all modes; custom, continuation: true → `prompt=""`, false → nothing more`."""
    cell = _modes_placing(vendor, field)
    grouped: dict[str, list[str]] = {}
    for mode in vendor.song.modes if vendor.song else ():
        sends = [
            f"{_json(entry.value)} → "
            + (", ".join(f"`{'.'.join(path)}={_json(value)}`" for path, value in entry.constants) or "nothing more")
            for entry in mode.sets
            if entry.field == field
        ]
        if sends:
            grouped.setdefault(", ".join(sends), []).append(mode.name)
    return "; ".join([cell] + [f"{', '.join(modes)}: {sends}" for sends, modes in grouped.items()])


def _mode(vendor: ir.Vendor, name: str) -> str:
    """A mode's cell: what a song of that mode is sent as (its constants), or —."""
    mode = next((m for m in vendor.song.modes if m.name == name), None) if vendor.song else None
    if mode is None:
        return NO
    if not mode.constants:
        return "yes"
    return "yes: " + ", ".join(f"`{'.'.join(path)}={_json(value)}`" for path, value in mode.constants)


def _continuation(vendor: ir.Vendor) -> str:
    mode = next((m for m in vendor.song.modes if m.name == "continuation"), None) if vendor.song else None
    if mode is None:
        return NO
    return ", ".join(t.field.removeprefix("continuation.") for t in mode.fields if t.field.startswith("continuation."))


def _words(vendor: ir.Vendor, field: str) -> str:
    """An enumerated field's values in the gateway's words (`v5 → chirp-crow`), where a mode places it."""
    if _modes_placing(vendor, field) == NO or vendor.song is None:
        return NO
    pairs = dict(vendor.song.values).get(field, ())
    return ", ".join(word if word == said else f"{word} → `{said}`" for word, said in pairs)


def _with_words(vendor: ir.Vendor, field: str) -> str:
    modes = _modes_placing(vendor, field)
    return modes if modes == NO else f"{modes}: {_words(vendor, field)}"


def _callback(vendor: ir.Vendor) -> str:
    """Where a song's callback URL goes, when the gateway calls back, and how it signs the callback."""
    target = None
    if vendor.song is not None:
        target = next((t.path for m in vendor.song.modes for t in m.fields if t.field == "callback_url"), None)
    callback = vendor.callback
    if target is None and callback is None:
        return NO
    if target is not None:
        where = f"`{'.'.join(target)}`"
    elif callback is not None and callback.url:
        where = f"`{'.'.join(callback.url[0])}` (not in a Song)"
    else:
        where = "not in a Song"
    if callback is None:
        return f"{where}; no callback payload in the spec"
    if callback.secret:
        where += f", secret `{'.'.join(callback.secret[0])}`"
    where += f"; at {', '.join(callback.stages)}"
    signature = callback.signature
    if signature is None:
        return f"{where}; unsigned"
    prefixes = " or ".join(f'"{p}"' for p in signature.prefixes)
    signed = f"{signature.header}: {signature.algorithm.upper()} of the raw body, prefix {prefixes}"
    if signature.timestamp is not None:
        stamp = signature.timestamp
        signed = (
            f"{signature.header}: {signature.algorithm.upper()} of `{stamp.message}`, {stamp.header}, "
            f"±{stamp.tolerance:g} s"
        )
    return f"{where}; signed, {signed}"


def _feature(vendor: ir.Vendor, name: str) -> str:
    feature = next((f for f in vendor.features if f.name == name), None)
    if feature is None:
        return NO
    when = ", ".join(f"`{'.'.join(path)}={_json(value)}`" for path, value in feature.when)
    return f"`{feature.operation}`" + (f" ({when})" if when else "")


def _auth(vendor: ir.Vendor) -> str:
    return "`Authorization: Bearer`" if vendor.auth.kind == "bearer" else f"`{vendor.auth.header}` header"


def _grouped(vendor: ir.Vendor) -> list[tuple[ir.SongLimit, tuple[str, ...]]]:
    """The limits with the models they hold for gathered: one entry per mode, field, bound and rule."""
    groups: dict[tuple[str, str, int, str | None], list[ir.SongLimit]] = {}
    for limit in vendor.song_limits:
        groups.setdefault((limit.mode, limit.field, limit.max_length, limit.rule), []).append(limit)
    return [(found[0], tuple(x.model for x in found if x.model is not None)) for found in groups.values()]


def _bound(limit: ir.SongLimit, models: tuple[str, ...]) -> str:
    shown = f" (model{'s' if len(models) > 1 else ''} {', '.join(models)})" if models else ""
    return f"{limit.field} ≤ {limit.max_length}{shown}"


def _limit(limit: ir.SongLimit, models: tuple[str, ...]) -> str:
    """One limit in full: mode, field, bound, models, and the rule that sets it."""
    rule = f" [rule {limit.rule}]" if limit.rule else " [the field's own maxLength]"
    return f"{limit.mode}: {_bound(limit, models)}{rule}"


def _limits(vendor: ir.Vendor) -> str:
    """The limits grouped by mode, for the table (the full list, with rules, is under the table)."""
    by_mode: dict[str, list[str]] = {}
    for limit, models in _grouped(vendor):
        by_mode.setdefault(limit.mode, []).append(_bound(limit, models))
    return "; ".join(f"{mode}: {', '.join(bounds)}" for mode, bounds in by_mode.items()) or NO


def _required(vendor: ir.Vendor) -> str:
    """The fields each mode cannot do without (the schema refuses a body without them)."""
    return "; ".join(f"{mode}: {', '.join(fields)}" for mode, fields in vendor.song_required if fields) or NO


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# -- the matrix ----------------------------------------------------------------------------------------------------


def matrix(vendors: Sequence[ir.Vendor]) -> Matrix:
    """The matrix of some gateways, columns in id order; features no gateway has get no row, except the named ones."""
    columns = tuple(sorted(vendors, key=lambda v: v.id))

    def row(label: str, cell: Any) -> Row:
        return Row(label, tuple(cell(vendor) for vendor in columns))

    rows = [row("song sent to", lambda v: f"`{v.song.operation}`" if v.song else NO)]
    rows += [row(f"{name} mode", lambda v, name=name: _mode(v, name)) for name in MODES]
    rows += [
        row("continuation of a clip", _continuation),
        row("lyrics", lambda v: _modes_placing(v, "lyrics")),
        row("instrumental", lambda v: _with_sets(v, "instrumental")),
        row("style", lambda v: _modes_placing(v, "style")),
        row("negative style", lambda v: _modes_placing(v, "negative_style")),
        row("title", lambda v: _modes_placing(v, "title")),
        row("vocal gender", lambda v: _with_words(v, "vocal_gender")),
        row("models", lambda v: _words(v, "model")),
        row("a song must give", _required),
        row("length limits", _limits),
    ]
    declared = {feature.name for vendor in columns for feature in vendor.features}
    rows += [
        row("lyrics generation" if name == "lyrics" else name, lambda v, name=name: _feature(v, name))
        for name in FEATURES
        if name in ("lyrics", "upload", "concat") or name in declared
    ]
    rows += [row("callbacks", _callback), row("auth", _auth)]
    digest = hashlib.sha256("".join(v.content_hash for v in columns).encode()).hexdigest()[:16]
    limits = tuple(
        (vendor.id, tuple(_limit(limit, models) for limit, models in _grouped(vendor))) for vendor in columns
    )
    return Matrix(columns, tuple(rows), limits, digest)


def as_json(vendors: Sequence[ir.Vendor]) -> dict[str, Any]:
    """The same facts as data, per gateway: its mapping, models, limits, features, callback and auth."""
    found: dict[str, Any] = {}
    for vendor in sorted(vendors, key=lambda v: v.id):
        song = vendor.song
        signature = vendor.callback.signature if vendor.callback else None
        found[vendor.id] = {
            "title": vendor.title,
            "song": None
            if song is None
            else {
                "operation": song.operation,
                "modes": {
                    mode.name: {
                        "constants": {".".join(path): value for path, value in mode.constants},
                        "fields": {t.field: ".".join(t.path) for t in mode.fields},
                        "set": [
                            {"when": {e.field: e.value}, "send": {".".join(p): v for p, v in e.constants}}
                            for e in mode.sets
                        ],
                    }
                    for mode in song.modes
                },
                "values": {field: dict(pairs) for field, pairs in song.values},
            },
            "required": {mode: list(fields) for mode, fields in vendor.song_required},
            "limits": [
                {"mode": l.mode, "field": l.field, "model": l.model, "max_length": l.max_length, "rule": l.rule}
                for l in vendor.song_limits  # noqa: E741 - a limit
            ],
            "features": {
                f.name: {"operation": f.operation, "when": {".".join(p): v for p, v in f.when}} for f in vendor.features
            },
            "callback": None
            if vendor.callback is None
            else {
                "url": [".".join(path) for path in vendor.callback.url],
                "secret": [".".join(path) for path in vendor.callback.secret],
                "stages": list(vendor.callback.stages),
                "signature": None
                if signature is None
                else {
                    "header": signature.header,
                    "algorithm": signature.algorithm,
                    "prefixes": list(signature.prefixes),
                    "timestamp": None
                    if signature.timestamp is None
                    else {
                        "header": signature.timestamp.header,
                        "message": signature.timestamp.message,
                        "tolerance": signature.timestamp.tolerance,
                    },
                },
            },
            "auth": {"kind": vendor.auth.kind, "header": vendor.auth.header},
        }
    return found


def markdown(vendors: Sequence[ir.Vendor]) -> str:
    """docs/capabilities.md: the matrix, rendered by its template."""
    from .render import template

    return str(template("capabilities.md.jinja").render(matrix=matrix(vendors)))


def main(specs: Path, *, as_json_output: bool, output: Path | None) -> int:
    """`sunogen capabilities`: print (or write to `output`) the matrix of the specs in a folder; 1 on spec errors."""
    from . import read_specs

    if not specs.is_dir():
        print(f"sunogen: error: no specs folder {str(specs)!r}", file=sys.stderr)
        return 2
    try:
        vendors = built(read_specs(specs))
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"sunogen: {len(exc.errors)} error(s); nothing written", file=sys.stderr)
        return 1
    text = json.dumps(as_json(vendors), indent=2, ensure_ascii=False) + "\n" if as_json_output else markdown(vendors)
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="\n")
        print(f"sunogen: capabilities of {len(vendors)} gateways in {output}")
    return 0
