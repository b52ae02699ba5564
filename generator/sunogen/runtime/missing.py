"""MISSING: the one sentinel for a value that is not there, as distinct from JSON null (None, a value)."""

from __future__ import annotations

from typing import Final

__all__ = ["MISSING", "Missing"]


class Missing:
    """The type of MISSING: an absent member, a path that leads nowhere, a value that cannot be had."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing()
