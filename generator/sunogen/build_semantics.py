"""Stage 3, build (part): the checked semantic extensions to IR, with every default made explicit.

An error entry's retries default to its kind's (runtime/kinds.py), a signature's prefix to none: the VENDOR block
of each client then says all there is, for the runtime and for any tool that reads it.
"""

from __future__ import annotations

from typing import Any

from . import ir
from .check import REF_PREFIX
from .runtime.kinds import KINDS


def paths(value: Any) -> tuple[ir.JsonPath, ...]:
    """Dotted paths (a string or a list) as tuples of segments."""
    items = [value] if isinstance(value, str) else list(value or [])
    return tuple(tuple(item.split(".")) for item in items)


def words(value: Any) -> tuple[str, ...]:
    """Status words (a string or a list) as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value or ())


def error_rules(value: Any) -> tuple[ir.ErrorRule, ...]:
    """An error table, in order; `retry` left out means the kind's default."""
    rules = []
    for entry in value or ():
        kind = KINDS[entry["kind"]]
        retry = entry.get("retry")
        rules.append(
            ir.ErrorRule(
                kind=entry["kind"],
                status=entry.get("status"),
                code=entry.get("code"),
                message=entry.get("message"),
                retry_query=kind.retry_query if retry is None else "query" in retry,
                retry_create=kind.retry_create if retry is None else "create" in retry,
            )
        )
    return tuple(rules)


def clips(value: Any) -> ir.Clips | None:
    """What a clip is: its fields' paths and status words, and which audio URLs are not finished files."""
    if value is None:
        return None
    return ir.Clips(
        fields=tuple((name, paths(field)) for name, field in value["fields"].items()),
        pending=words(value.get("pending")),
        partial=words(value.get("partial")),
        success=words(value.get("success")),
        failure=words(value.get("failure")),
        streams=tuple(ir.UrlPattern(p["pattern"], p["example"]) for p in value.get("streams", ())),
        placeholders=tuple(ir.UrlPattern(p["pattern"], p["example"]) for p in value.get("placeholders", ())),
    )


def poll(value: Any) -> ir.Poll | None:
    """An x-sunogen-poll: how a query's response reports its task."""
    return None if value is None else _read(value)


def _read(value: dict[str, Any]) -> ir.Poll:
    """How a body reports a task (a poll's, or the reading half of an x-sunogen-callback)."""
    return ir.Poll(
        status=paths(value.get("status")),
        pending=words(value.get("pending")),
        success=words(value.get("success")),
        failure=words(value.get("failure")),
        reason=paths(value.get("reason")),
        clips=paths(value.get("clips")),
        partial=words(value.get("partial")),
        type=paths(value.get("type")),
        without_clips=words(value.get("without_clips")),
        task_id=paths(value.get("task_id")),
    )


def callback(value: Any) -> ir.Callback | None:
    """A documented callback: payload model, signature scheme, and how it reports the task."""
    if value is None:
        return None
    sig = value.get("signature")
    signature = None
    if sig is not None:
        stamp = sig.get("timestamp")
        signature = ir.Signature(
            header=sig["header"],
            algorithm=sig["algorithm"],
            prefixes=words(sig.get("prefix", "")),
            timestamp=None
            if stamp is None
            else ir.Timestamp(stamp["header"], stamp["message"], float(stamp["tolerance"])),
        )
    return ir.Callback(
        str(value["schema"]["$ref"]).removeprefix(REF_PREFIX),
        signature,
        _read(value),
        url=paths(value.get("url")),
        secret=paths(value.get("secret")),
        stages=words(value.get("stages", ["success", "failure"])),
    )


def task(value: Any) -> ir.TaskRef | None:
    """An x-sunogen-task: the new task's id paths, its poll, and the type word that poll reports for it."""
    if value is None:
        return None
    kind = value.get("type")
    return ir.TaskRef(
        paths(value["id"]),
        value["poll"],
        type=kind if isinstance(kind, str) else None,
        type_field=tuple(kind["field"].split(".")) if isinstance(kind, dict) else None,
    )
