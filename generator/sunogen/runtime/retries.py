"""Retry policy: when a call may be sent again (never a paid create the server may have acted on), after what pause.

Which error answers may be retried is the spec's word (its error table, read by errors.py): an APIStatusError
carries the verdict as `retryable`.
"""

from __future__ import annotations

import email.utils
import random

import httpx

from .spec_data import Operation

__all__ = [
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "may_retry_error",
    "parse_retry_after",
    "retry_delay",
]

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A longer Retry-After is obeyed only up to this cap: the caller asked for a client, not a scheduler.
MAX_RETRY_AFTER = 60.0


def may_retry_error(operation: Operation, error: httpx.RequestError) -> bool:
    """Whether a transport failure may be retried.

    A query retries any transport failure (connect, timeouts, resets, protocol errors). A call that creates a
    task costs credits, so it retries only when the request provably never reached the server: a connect error
    or connect timeout. A read or write timeout or a dropped connection may hide a task that was created.
    """
    if operation.creates_task:
        return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
    return isinstance(error, httpx.TransportError)


def parse_retry_after(headers: httpx.Headers, *, now: float, cap: float | None = MAX_RETRY_AFTER) -> float | None:
    """Seconds to wait from a `Retry-After` header (delay-seconds or an HTTP date), capped; None if absent or bad.

    `cap=None` reads the server's whole wish: a wait with a deadline compares it to the time it has left.
    """
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    seconds: float
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = parsed.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    seconds = max(seconds, 0.0)
    return seconds if cap is None else min(seconds, cap)


def retry_delay(retries_taken: int, retry_after: float | None, *, jitter: float | None = None) -> float:
    """The pause before retry number `retries_taken + 1`: Retry-After if given, else exponential backoff.

    Backoff is 0.5 s, 1 s, 2 s, ... capped at 8 s, minus up to 25% jitter so clients do not retry in lockstep.
    """
    if retry_after is not None:
        return retry_after
    base = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
    fraction = random.random() if jitter is None else jitter
    return base * (1.0 - 0.25 * fraction)
