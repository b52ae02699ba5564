"""A gateway as its spec alone describes it: operations to call, error answers, task bodies and callbacks.

What an emulator of the gateway would do, in miniature: every value is put at the paths the spec's extensions
name, so tests built on it exercise a new spec without a line written for it.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import suno_clients
from sunogen.runtime.kinds import HTTP_KINDS, KINDS
from tests.spec_files import spec_document

SPECS = Path(__file__).resolve().parents[2] / "specs"
TASK = "t-1"
Json = dict[str, Any]


def put(body: Any, path: str, value: Any) -> None:
    """Set `value` at a dotted path of `body`, making the objects on the way (`data.0.x` indexes a list)."""
    *parents, last = path.split(".")
    node = body
    for segment in parents:
        if isinstance(node, list):
            node = node[int(segment)]
            continue
        if not isinstance(node.get(segment), dict | list):
            node[segment] = {}
        node = node[segment]
    node[last] = value


def words(value: Any) -> list[str]:
    """A spec's string-or-list as a list."""
    return [value] if isinstance(value, str) else list(value or [])


@dataclass(frozen=True)
class ErrorEntry:
    """One entry of a spec's error table and where it applies (None: the whole gateway)."""

    vendor: str
    operation: str | None
    index: int
    entry: Json

    @property
    def name(self) -> str:
        return f"{self.vendor}-{self.operation or 'gateway'}-{self.index}-{self.entry['kind']}"

    def retries(self, creates_task: bool) -> bool:
        """Whether the spec lets this call retry the answer: the entry's `retry`, else its kind's default."""
        if "retry" in self.entry:
            return ("create" if creates_task else "query") in self.entry["retry"]
        kind = KINDS[self.entry["kind"]]
        return kind.retry_create if creates_task else kind.retry_query


class Gateway:
    """One spec, read as YAML, with the generated module and its VENDOR descriptor."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.spec: Json = spec_document(vendor)
        self.module: ModuleType = suno_clients.vendor_module(vendor)
        self.base_url: str = self.module.VENDOR.base_url or f"https://{vendor}.gateway.test"
        self.envelope: Json = self.spec["x-sunogen-envelope"]
        self.clips: Json = self.spec.get("x-sunogen-clips", {})

    # -- operations ----------------------------------------------------------------------------------------------

    @cached_property
    def operations(self) -> dict[str, Json]:
        return {
            op["operationId"]: op
            for item in self.spec["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        }

    def descriptor(self, operation: str) -> Any:
        return next(op for op in self.module.VENDOR.operations if op.id == operation)

    def url(self, operation: str) -> str:
        """The URL a call of `operation` with task id t-1 goes to."""
        op = self.descriptor(operation)
        path: str = op.path
        query: dict[str, str] = {}
        for param in op.params:
            if param.location == "path":
                path = path.replace("{" + param.name + "}", TASK)
            elif param.required:
                query[param.name] = TASK
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def kwargs(self, operation: str) -> Json | None:
        """Keyword arguments of a valid call: the first documented request example, the task id t-1; None when
        the spec documents no request example for an operation that needs a body."""
        op = self.descriptor(operation)
        found: Json = {param.python_name: TASK for param in op.params if param.required}
        if op.has_body:
            examples = self.operations[operation]["requestBody"]["content"]["application/json"].get("examples", {})
            if not examples:
                return None
            found |= next(iter(examples.values()))["value"]
        return found

    @cached_property
    def poll(self) -> tuple[str, Json]:
        """The operation that polls tasks, and its x-sunogen-poll."""
        return next((op_id, op["x-sunogen-poll"]) for op_id, op in self.operations.items() if "x-sunogen-poll" in op)

    @cached_property
    def create(self) -> str | None:
        """The first operation that creates a task and has a documented request example."""
        return next(
            (op_id for op_id, op in self.operations.items() if op.get("x-sunogen-task") and self.kwargs(op_id)), None
        )

    # -- errors --------------------------------------------------------------------------------------------------

    def error_entries(self) -> list[ErrorEntry]:
        found = [ErrorEntry(self.vendor, None, i, e) for i, e in enumerate(self.spec.get("x-sunogen-errors", []))]
        for op_id, op in self.operations.items():
            found += [ErrorEntry(self.vendor, op_id, i, e) for i, e in enumerate(op.get("x-sunogen-errors", []))]
        return found

    def expected_error_class(self, operation: str, status: int, body: Any) -> type[Any]:
        """The exception the error tables (the operation's, then the gateway's) give an answer, read from the
        YAML; HTTP's meaning of the effective status when no entry matches."""
        code = body.get(self.envelope["code"]) if isinstance(body, dict) and self.envelope.get("code") else None
        message = body.get(self.envelope["message"]) if isinstance(body, dict) and self.envelope.get("message") else ""
        entries = [*self.operations[operation].get("x-sunogen-errors", []), *self.spec.get("x-sunogen-errors", [])]
        for entry in entries:
            if "status" in entry and entry["status"] != status:
                continue
            if "code" in entry and str(entry["code"]) != str(code):
                continue
            if "message" in entry and entry["message"].lower() not in str(message).lower():
                continue
            return self._kind_class(entry["kind"])
        effective = code if isinstance(code, int) and 400 <= code < 600 else status
        kind = HTTP_KINDS.get(effective, "server-error" if 500 <= effective < 600 else None)
        assert kind is not None, (
            f"{self.vendor} {operation}: HTTP {status} means nothing; add an x-sunogen-errors entry"
        )
        return self._kind_class(kind)

    def _kind_class(self, kind: str) -> type[Any]:
        found: type[Any] = getattr(self.module, KINDS[kind].error)
        return found

    def error_answer(self, entry: Json) -> tuple[int, Json]:
        """An answer the entry matches: its HTTP status (200 for a code alone) and an envelope with its code."""
        body: Json = {}
        if self.envelope.get("code"):
            string_codes = all(isinstance(s, str) for s in self.envelope["success"])
            body[self.envelope["code"]] = entry.get("code", "error" if string_codes else entry.get("status"))
        if self.envelope.get("message"):
            body[self.envelope["message"]] = f"the gateway says no: {entry.get('message', 'refused')}"
        if self.envelope.get("data"):
            body[self.envelope["data"]] = None
        return entry.get("status", 200), body

    # -- task bodies ---------------------------------------------------------------------------------------------

    def stream_url(self) -> str | None:
        streams = self.clips.get("streams", [])
        return streams[0]["example"] if streams else None

    def clip(self, clip_id: str, audio_url: str, word: str | None) -> Json:
        """A clip object at the spec's field paths (the first path of each)."""
        fields = self.clips["fields"]
        values = {
            "id": clip_id,
            "audio_url": audio_url,
            "image_url": f"https://cdn.gateway.test/{clip_id}.jpeg",
            "title": "Rain",
            "duration": 98.5,
            "status": word,
        }
        clip: Json = {}
        for name, value in values.items():
            if name in fields and value is not None:
                put(clip, words(fields[name])[0], value)
        return clip

    def clip_word(self, stage: str) -> str | None:
        """The clips' own word for a stage (None when clips have no status)."""
        found = words(self.clips.get(stage)) or (words(self.clips.get("pending")) if stage == "partial" else [])
        return found[0] if found else None

    def task_word(self, stage: str) -> str:
        """The poll's word for a stage (the last pending word stands in for a missing partial one), or the
        clips' own word where the task has no status."""
        _, poll = self.poll
        vocabulary = poll if "status" in poll else self.clips
        found = words(vocabulary.get(stage)) or (words(vocabulary.get("pending"))[-1:] if stage == "partial" else [])
        assert found, f"{self.vendor}: no word for the {stage} stage"
        return found[0]

    def poll_body(self, stage: str, clips: list[Json] | None, reason: str | None = None) -> Json:
        """A 2xx body of the poll operation in a stage: its documented example with status, clips and reason set."""
        op_id, poll = self.poll
        examples = next(
            r["content"]["application/json"].get("examples", {})
            for status, r in self.operations[op_id]["responses"].items()
            if status.startswith("2")
        )
        body = copy.deepcopy(next(iter(examples.values()))["value"]) if examples else {}
        if self.envelope.get("code"):
            body[self.envelope["code"]] = self.envelope["success"][0]
        return self._report(body, poll, stage, clips, reason)

    def callback_body(self, stage: str, clips: list[Json] | None, reason: str | None = None) -> Json:
        """A callback body in a stage, built at the x-sunogen-callback paths alone."""
        read = self.spec["x-sunogen-callback"]
        body: Json = {}
        put(body, words(read["task_id"])[0], TASK)
        return self._report(body, read, stage, clips, reason)

    def _report(self, body: Json, read: Json, stage: str, clips: list[Json] | None, reason: str | None) -> Json:
        if "status" in read:
            word = words(read.get(stage)) or words(read.get("pending"))[-1:]
            put(body, words(read["status"])[0], word[0])
        put(body, words(read["clips"])[0], clips)
        if reason is not None:
            put(body, words(read["reason"])[0], reason)
        return body

    def sign(self, raw: bytes, secret: str, now: float) -> dict[str, str]:
        """The headers a signing gateway sends with `raw`, computed from the spec's scheme (not by the runtime)."""
        scheme = self.spec["x-sunogen-callback"].get("signature")
        if scheme is None:
            return {}
        signed = raw
        headers: dict[str, str] = {}
        if "timestamp" in scheme:
            stamp = str(int(now))
            before, after = scheme["timestamp"]["message"].split("{body}")
            signed = before.replace("{timestamp}", stamp).encode() + raw + after.replace("{timestamp}", stamp).encode()
            headers[scheme["timestamp"]["header"]] = stamp
        prefix = words(scheme.get("prefix", ""))[-1]  # the last form the spec lists: a prefixed one, if any
        headers[scheme["header"]] = prefix + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return headers


@functools.cache
def gateway(vendor: str) -> Gateway:
    """The Gateway of a vendor, read once."""
    return Gateway(vendor)
