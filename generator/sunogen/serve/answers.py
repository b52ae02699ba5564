"""Error answers: the status, code and message a gateway gives for an error kind, read back from its error table.

A spec's x-sunogen-errors table says what an answer means; the emulator needs the reverse: for a kind (an invalid
request, a missing key, an unknown task, a rate limit) an answer the table reads as that kind. Candidates come
from the table's entries of the kind (the operation's first), on the operation's documented error statuses where
an entry names no status, then from HTTP's own meaning of a status. Each candidate is read back with the
clients' own matcher, so what the emulator sends is what a client raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any, Final

from sunogen import ir
from sunogen.runtime.errors import match_error
from sunogen.runtime.kinds import HTTP_KINDS
from sunogen.runtime.spec_data import ErrorRule

from .instances import Shapes

# What the emulator says for each kind; an entry's `message` matcher is worked in when the text lacks it.
MESSAGES: Final = {
    "bad-request": "invalid request",
    "authentication": "missing or invalid API key",
    "insufficient-credits": "insufficient credits",
    "permission": "permission denied",
    "not-found": "task not found",
    "unprocessable": "validation error",
    "request-timeout": "request timeout",
    "rate-limit": "rate limit exceeded, retry later",
    "maintenance": "service under maintenance",
    "generation-failed": "generation failed",
    "feature-disabled": "feature disabled",
    "server-error": "internal server error",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """An error answer: HTTP status, the envelope's code (None without a code field) and message, and its kind."""

    status: int
    code: str | int | None
    message: str
    kind: str | None


class Answers:
    """Chooses and builds the error answers of one gateway."""

    def __init__(self, vendor: ir.Vendor, shapes: Shapes) -> None:
        self._vendor = vendor
        self._shapes = shapes

    def choose(
        self, op: ir.Operation, kinds: tuple[str, ...], *, status: int | None = None, detail: str | None = None
    ) -> Answer:
        """The first answer the spec's table reads as one of `kinds` (in order), with HTTP `status` if given.

        `detail` follows the kind's message. Falls back to HTTP's own status for the first kind, which the
        runtime reads by the same meaning when no entry matches.
        """
        rules = tuple(ErrorRule(**asdict(rule)) for rule in op.errors + self._vendor.errors)
        for kind in kinds:
            for entry in (rule for rule in op.errors + self._vendor.errors if rule.kind == kind):
                for answer in self._from_entry(op, entry, kind, status, detail):
                    if _reads_as(rules, answer):
                        return answer
        kind = kinds[0]
        for fallback in self._statuses(op, kind, status):
            answer = Answer(fallback, self._code(fallback, kind), _message(kind, None, detail), kind)
            if _reads_as(rules, answer):
                return answer
        # No answer reads as the kind (a table that gives its meaning to every status): say so in the message.
        fallback = status or 500
        return Answer(fallback, self._code(fallback, kind), _message(kind, None, detail), None)

    def body(self, op: ir.Operation, answer: Answer) -> Any:
        """The error body: the documented response of that status (or of another error status), with the
        envelope's code and message set and its data null where the schema allows."""
        envelope = self._vendor.envelope
        model = _error_model(op, answer.status)
        if model is None:
            body: dict[str, Any] = {}
            if envelope.code:
                body[envelope.code] = answer.code
            if envelope.message:
                body[envelope.message] = answer.message
            if envelope.data:
                body[envelope.data] = None
            return body
        schema = self._shapes.component(model)
        node = self._shapes.minimal(schema)
        if envelope.code:
            node = self._shapes.put(schema, node, (envelope.code,), answer.code)
        if envelope.message:
            node = self._shapes.put(schema, node, (envelope.message,), answer.message)
        if envelope.data:
            node = self._shapes.put(schema, node, (envelope.data,), None)
        return node

    def _from_entry(
        self, op: ir.Operation, entry: ir.ErrorRule, kind: str, status: int | None, detail: str | None
    ) -> Iterator[Answer]:
        if status is not None and entry.status not in (None, status):
            return
        if status is not None and isinstance(entry.code, int) and 400 <= entry.code < 600 and entry.code != status:
            return  # an envelope code that names another status would contradict the status asked for
        message = _message(kind, entry.message, detail)
        statuses = [entry.status] if entry.status is not None else list(self._statuses(op, kind, status, entry.code))
        for chosen in statuses:
            yield Answer(chosen, entry.code if entry.code is not None else self._code(chosen, kind), message, kind)

    def _statuses(self, op: ir.Operation, kind: str, status: int | None, code: object = None) -> Iterator[int]:
        """HTTP statuses to try for a kind: the one asked for; else an envelope code that is an HTTP status, the
        operation's documented error statuses that mean the kind, its other documented error statuses, and the
        status HTTP gives the kind."""
        if status is not None:
            yield status
            return
        if isinstance(code, int) and not isinstance(code, bool) and 400 <= code < 600:
            yield code
        documented = [int(r.status) for r in op.responses if r.status.isdigit() and int(r.status) >= 400]
        yield from (s for s in documented if _http_kind(s) == kind)
        yield from documented
        yield from (s for s, meaning in HTTP_KINDS.items() if meaning == kind)
        if kind == "server-error":
            yield 500

    def _code(self, status: int, kind: str) -> str | int | None:
        """The envelope code of an answer no entry gives one for: the status where codes are numbers (as HTTP
        statuses are), the kind's name where they are words; None without a code field."""
        envelope = self._vendor.envelope
        if envelope.code is None:
            return None
        if envelope.success and all(isinstance(v, int) for v in envelope.success):
            return status
        return kind.replace("-", "_")


def _http_kind(status: int) -> str | None:
    return HTTP_KINDS.get(status, "server-error" if 500 <= status < 600 else None)


def _message(kind: str, matcher: str | None, detail: str | None) -> str:
    text = MESSAGES.get(kind, kind)
    if matcher is not None and matcher.lower() not in text.lower():
        text = f"{matcher}: {text}"
    return f"{text}: {detail}" if detail else text


def _reads_as(rules: tuple[ErrorRule, ...], answer: Answer) -> bool:
    found = match_error(rules, status=answer.status, code=answer.code, message=answer.message)
    return found is not None and found.kind == answer.kind


def _error_model(op: ir.Operation, status: int) -> str | None:
    """The component documented for this error status, else for the operation's first documented error."""
    errors = [r for r in op.responses if r.status.isdigit() and int(r.status) >= 400 and r.model]
    exact = next((r.model for r in errors if int(r.status) == status), None)
    return exact or (errors[0].model if errors else None)
