"""Stage 2, check (part): the extensions that carry a gateway's meanings, every mistake at its line.

`x-sunogen-errors` (what an error answer means), `x-sunogen-poll` and `x-sunogen-callback` (how a body reports
a task), `x-sunogen-clips` (what a clip is). check.py calls in here; the format is in specs/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from .load import escape
from .runtime.kinds import KINDS
from .schema_keywords import json_type

Report = Callable[[str, str, str], None]

STAGES = ("pending", "partial", "success", "failure")
READ_KEYS = frozenset({*STAGES, "status", "reason", "clips", "type", "without_clips"})
ALLOWED: dict[str, frozenset[str]] = {
    "error": frozenset({"status", "code", "message", "kind", "retry", "$comment"}),
    "poll": READ_KEYS | {"task_id"},
    "callback": READ_KEYS | {"schema", "signature", "task_id", "url", "secret", "stages"},
    "clips": frozenset({*STAGES, "fields", "streams", "placeholders"}),
    "signature": frozenset({"header", "algorithm", "prefix", "timestamp"}),
    "timestamp": frozenset({"header", "message", "tolerance"}),
    "url pattern": frozenset({"pattern", "example", "$comment"}),
}
REQUIRED_CLIP_FIELDS = ("id", "audio_url", "image_url", "title", "duration")
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
RETRY_CALLS = ("query", "create")


class SemanticsChecker:
    """Checks the semantic extensions of one spec; `report(pointer, code, message)` records each mistake."""

    def __init__(self, report: Report, ref_only: Callable[[Any, str], str | None]) -> None:
        self.report = report
        self.ref_only = ref_only

    # -- helpers -------------------------------------------------------------------------------------------------

    def mapping(self, value: Any, pointer: str, kind: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(pointer, "wrong-type", f"expected a mapping ({kind}), got {json_type(value)}")
            return None
        for key in value:
            if key not in ALLOWED[kind]:
                self.report(f"{pointer}/{escape(str(key))}", "unknown-key", f"unknown key {key!r} in {kind}")
        return value

    def words(self, value: Any, pointer: str) -> list[str]:
        """A string or a list of non-empty strings (status words, paths); an empty list is allowed."""
        if isinstance(value, str) and value:
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.report(pointer, "wrong-type", "expected a string or a list of non-empty strings")
            return []
        return value

    def paths(self, value: Any, pointer: str, *, required: bool = False) -> list[str]:
        """Dotted JSON paths (`data.output.result`), first present wins."""
        found = self.words(value, pointer)
        if required and not found and isinstance(value, list):
            self.report(pointer, "wrong-type", "expected at least one path")
        for path in found:
            if any(not segment for segment in path.split(".")):
                self.report(pointer, "bad-path", f"{path!r} is not a dotted path (an empty segment)")
        return found

    def comment(self, item: dict[str, Any], pointer: str, what: str) -> None:
        if not isinstance(item.get("$comment"), str) or not item["$comment"].strip():
            self.report(pointer, "missing-key", f"{what} needs a $comment citing its source")

    # -- errors --------------------------------------------------------------------------------------------------

    def errors(self, value: Any, pointer: str) -> None:
        """An error table: entries tried in order, the first whose matchers all match decides."""
        if not isinstance(value, list) or not value:
            self.report(pointer, "wrong-type", "x-sunogen-errors must be a non-empty list of entries")
            return
        seen: list[tuple[str, dict[str, Any]]] = []
        for i, entry in enumerate(value):
            item = self.mapping(entry, f"{pointer}/{i}", "error")
            if item is None:
                continue
            matchers = self.error_entry(item, f"{pointer}/{i}")
            if matchers is None:
                continue
            for earlier_pointer, earlier in seen:
                if _covers(earlier, matchers):
                    self.report(
                        f"{pointer}/{i}",
                        "unreachable-error",
                        f"this entry never matches: entry {earlier_pointer.rsplit('/', 1)[-1]} above matches every "
                        "answer it does (list the more specific entry first)",
                    )
                    break
            seen.append((f"{pointer}/{i}", matchers))

    def error_entry(self, item: dict[str, Any], pointer: str) -> dict[str, Any] | None:
        self.comment(item, pointer, "an error entry")
        kind = item.get("kind")
        if kind not in KINDS:
            self.report(f"{pointer}/kind", "bad-kind", f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if "retry" in item:
            retry = item["retry"]
            if not isinstance(retry, list) or not all(r in RETRY_CALLS for r in retry) or len(set(retry)) != len(retry):
                self.report(f"{pointer}/retry", "wrong-type", "retry must be a list of query and/or create (or [])")
        matchers: dict[str, Any] = {}
        if "status" in item:
            status = item["status"]
            if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
                self.report(
                    f"{pointer}/status", "wrong-type", f"status must be an HTTP status (100-599), got {status!r}"
                )
            else:
                matchers["status"] = status
        if "code" in item:
            code = item["code"]
            if isinstance(code, bool) or not isinstance(code, int | str) or code == "":
                self.report(f"{pointer}/code", "wrong-type", "code must be the envelope's code: a number or a string")
            else:
                matchers["code"] = code
        if "message" in item:
            message = item["message"]
            if not isinstance(message, str) or not message.strip():
                self.report(f"{pointer}/message", "wrong-type", "message must be a non-empty string")
            else:
                matchers["message"] = message.lower()
        if "status" not in item and "code" not in item:
            self.report(pointer, "missing-key", "an error entry needs a status, a code, or both")
            return None
        return matchers if len(matchers) == len({"status", "code", "message"} & item.keys()) else None

    # -- clips ---------------------------------------------------------------------------------------------------

    def clips(self, value: Any, pointer: str) -> None:
        item = self.mapping(value, pointer, "clips")
        if item is None:
            return
        fields = item.get("fields")
        if not isinstance(fields, dict):
            self.report(pointer, "missing-key", "x-sunogen-clips needs `fields`: each clip field's paths")
            fields = {}
        for name, paths in fields.items():
            where = f"{pointer}/fields/{escape(str(name))}"
            if not isinstance(name, str) or not FIELD_NAME.match(name):
                self.report(where, "bad-name", f"clip field {name!r} must be snake_case")
            self.paths(paths, where, required=True)
        for name in REQUIRED_CLIP_FIELDS:
            if name not in fields:
                self.report(f"{pointer}/fields", "missing-key", f"clip fields have no {name!r}")
        vocabulary = {stage: self.words(item[stage], f"{pointer}/{stage}") for stage in STAGES if stage in item}
        self.disjoint(vocabulary, pointer)
        if vocabulary and "status" not in fields:
            self.report(f"{pointer}/fields", "missing-key", "clip status words need a `status` field to read them")
        for key in ("streams", "placeholders"):
            if key in item:
                self.url_patterns(item[key], f"{pointer}/{key}")

    def url_patterns(self, value: Any, pointer: str) -> None:
        if not isinstance(value, list):
            self.report(pointer, "wrong-type", "expected a list of {pattern, example, $comment}")
            return
        for i, entry in enumerate(value):
            where = f"{pointer}/{i}"
            item = self.mapping(entry, where, "url pattern")
            if item is None:
                continue
            self.comment(item, where, "a URL pattern")
            pattern, example = item.get("pattern"), item.get("example")
            if not isinstance(pattern, str) or not pattern:
                self.report(where, "missing-key", "a URL pattern needs a `pattern` (a regular expression)")
                continue
            try:
                compiled = re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                self.report(f"{where}/pattern", "bad-pattern", f"not a regular expression: {exc}")
                continue
            if not isinstance(example, str) or not re.match(r"^https?://[^/\s]+", example):
                self.report(where, "bad-example", "a URL pattern needs an `example`: an http(s) URL it matches")
            elif not compiled.search(example):
                self.report(f"{where}/example", "bad-example", f"{example!r} does not match {pattern!r}")

    def disjoint(self, vocabulary: dict[str, list[str]], pointer: str) -> None:
        owner: dict[str, str] = {}
        for stage, words in vocabulary.items():
            for word in words:
                if word in owner and owner[word] != stage:
                    self.report(f"{pointer}/{stage}", "ambiguous-status", f"{word!r} is both {owner[word]} and {stage}")
                owner.setdefault(word, stage)

    # -- task reports: polls and callbacks -----------------------------------------------------------------------

    def read(self, item: dict[str, Any], pointer: str, what: str, clips: Any) -> None:
        """The keys a poll and a callback share: status and its words, reason, clips, task type."""
        vocabulary = {stage: self.words(item[stage], f"{pointer}/{stage}") for stage in STAGES if stage in item}
        self.disjoint(vocabulary, pointer)
        for key in ("status", "reason", "clips", "type"):
            if key in item:
                self.paths(item[key], f"{pointer}/{key}", required=key in ("status", "clips"))
        if "clips" not in item:
            self.report(pointer, "missing-key", f"{what} has no 'clips'")
        if "status" in item and not vocabulary.get("success"):
            self.report(pointer, "missing-key", f"{what} has a status but no 'success' words")
        if "status" not in item:
            if vocabulary:
                self.report(pointer, "missing-key", f"{what} has status words but no 'status' path")
            clip_success = clips.get("success") if isinstance(clips, dict) else None
            if not clip_success:
                self.report(
                    pointer, "missing-key", f"{what} needs a task `status` or clip status words (x-sunogen-clips)"
                )
        if ("type" in item) != ("without_clips" in item):
            self.report(pointer, "missing-key", "`type` and `without_clips` go together")
        if "without_clips" in item:
            self.words(item["without_clips"], f"{pointer}/without_clips")

    def poll(self, value: Any, pointer: str, clips: Any) -> None:
        item = self.mapping(value, pointer, "poll")
        if item is not None:
            self.read(item, pointer, "x-sunogen-poll", clips)
            if "task_id" in item:
                self.paths(item["task_id"], f"{pointer}/task_id", required=True)

    def callback(self, value: Any, clips: Any, request_fields: frozenset[str]) -> None:
        """The callback; `request_fields` are the top-level fields of the creates' request bodies, where the
        callback URL and secret (`url`, `secret`) must be."""
        pointer = "/x-sunogen-callback"
        item = self.mapping(value, pointer, "callback")
        if item is None:
            return
        self.ref_only(item.get("schema"), f"{pointer}/schema")
        self.read(item, pointer, "x-sunogen-callback", clips)
        if "task_id" not in item:
            self.report(pointer, "missing-key", "x-sunogen-callback has no 'task_id': where the body names its task")
        else:
            self.paths(item["task_id"], f"{pointer}/task_id", required=True)
        if "signature" in item:
            self.signature(item["signature"], f"{pointer}/signature")
        for key in ("url", "secret"):
            if key in item:
                for path in self.paths(item[key], f"{pointer}/{key}", required=True):
                    if path.split(".")[0] not in request_fields:
                        self.report(
                            f"{pointer}/{key}",
                            "unknown-field",
                            f"{path!r} is not a field of any request body that creates a task",
                        )
        if "stages" in item:
            stages = self.words(item["stages"], f"{pointer}/stages")
            if isinstance(item["stages"], list) and not stages:
                self.report(f"{pointer}/stages", "wrong-type", "expected at least one stage")
            for stage in stages:
                if stage not in STAGES:
                    self.report(f"{pointer}/stages", "bad-stage", f"{stage!r} is not a stage ({', '.join(STAGES)})")

    def signature(self, value: Any, pointer: str) -> None:
        sig = self.mapping(value, pointer, "signature")
        if sig is None:
            return
        if not isinstance(sig.get("header"), str) or not sig["header"]:
            self.report(pointer, "missing-key", "a signature needs a `header`")
        if sig.get("algorithm") != "hmac-sha256":
            self.report(pointer, "unsupported", "algorithm must be hmac-sha256")
        if "prefix" in sig:
            prefix = sig["prefix"]
            prefixes = [prefix] if isinstance(prefix, str) else prefix
            if not isinstance(prefixes, list) or not prefixes or not all(isinstance(p, str) for p in prefixes):
                self.report(f"{pointer}/prefix", "wrong-type", "prefix must be a string or a list of strings")
        if "timestamp" in sig:
            stamp = self.mapping(sig["timestamp"], f"{pointer}/timestamp", "timestamp")
            if stamp is not None:
                self.timestamp(stamp, f"{pointer}/timestamp")

    def timestamp(self, stamp: dict[str, Any], pointer: str) -> None:
        if not isinstance(stamp.get("header"), str) or not stamp["header"]:
            self.report(pointer, "missing-key", "a timestamped signature needs the timestamp's `header`")
        message = stamp.get("message")
        placeholders = re.findall(r"{([^}]*)}", message) if isinstance(message, str) else None
        if placeholders is None or sorted(placeholders) != ["body", "timestamp"]:
            self.report(
                f"{pointer}/message",
                "bad-message",
                "message must hold {timestamp} and {body} once each, e.g. '{timestamp}.{body}'",
            )
        tolerance = stamp.get("tolerance")
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not tolerance > 0:
            self.report(pointer, "missing-key", "a timestamped signature needs a `tolerance` in seconds (> 0)")


def _covers(earlier: dict[str, Any], later: dict[str, Any]) -> bool:
    """Whether every answer the later entry matches is matched by the earlier one."""
    for key, value in earlier.items():
        if key not in later:
            return False
        if key == "message":
            if value not in later[key]:
                return False
        elif key == "code":
            if not _same_code(value, later[key]):
                return False
        elif value != later[key]:
            return False
    return True


def _same_code(earlier: Any, later: Any) -> bool:
    """Whether an entry for code `earlier` matches every answer one for `later` does (a number matches its digits)."""
    if isinstance(earlier, int):
        return later == earlier or (isinstance(later, str) and later.strip().isdigit() and int(later) == earlier)
    return bool(later == earlier)


def needs_clips(document: dict[str, Any], operations: Iterable[dict[str, Any]]) -> bool:
    """Whether the spec reports tasks (a poll or a callback), so it must say what a clip is."""
    return "x-sunogen-callback" in document or any("x-sunogen-poll" in op for op in operations)
