"""Compiler-style spec errors: `file:line:col: code: message (pointer)`, collected and reported all at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class SpecError:
    """One mistake in a spec, located at the line and column of the offending YAML node."""

    file: str
    line: int
    column: int
    code: str
    message: str
    pointer: str = ""

    def __str__(self) -> str:
        where = f" ({self.pointer})" if self.pointer else ""
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}{where}"


class SpecErrors(Exception):
    """Raised by a stage when a spec is wrong; carries every error found, sorted by place."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors = tuple(sorted(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
