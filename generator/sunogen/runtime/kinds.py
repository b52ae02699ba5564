"""Error kinds: the vocabulary of a spec's error table, each kind's exception and default retries, HTTP's meanings.

Plain data with no imports, so the generator checks and fills in specs with the very table the clients use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, NamedTuple

__all__ = ["HTTP_KINDS", "KINDS", "Kind"]


class Kind(NamedTuple):
    """An error kind: the name of its exception class, and whether a query and a create may retry it by default.

    Only a refusal (the server did nothing) is safe to retry for a create, which costs credits; a query may also
    retry what may pass (a server error, maintenance).
    """

    error: str
    retry_query: bool
    retry_create: bool


KINDS: Final[Mapping[str, Kind]] = {
    "bad-request": Kind("BadRequestError", False, False),
    "authentication": Kind("AuthenticationError", False, False),
    "insufficient-credits": Kind("PaymentRequiredError", False, False),
    "permission": Kind("PermissionDeniedError", False, False),
    "not-found": Kind("NotFoundError", False, False),
    "unprocessable": Kind("UnprocessableEntityError", False, False),
    "request-timeout": Kind("APIStatusError", True, False),
    "rate-limit": Kind("RateLimitError", True, True),
    "maintenance": Kind("ServiceUnavailableError", True, False),
    "generation-failed": Kind("GenerationFailedError", False, False),
    "feature-disabled": Kind("FeatureDisabledError", False, False),
    "server-error": Kind("InternalServerError", True, False),
}
"""Every error kind a spec may name, in the order specs/README.md lists them."""

# RFC 9110's meaning of each status; any other 5xx is a server error, any other status has no kind.
HTTP_KINDS: Final[Mapping[int, str]] = {
    400: "bad-request",
    401: "authentication",
    402: "insufficient-credits",
    403: "permission",
    404: "not-found",
    408: "request-timeout",
    422: "unprocessable",
    429: "rate-limit",
}
