"""A small writer of Python source: lines at the current depth, and blocks that indent what is written inside.

A block that ends up saying nothing is dropped with its header, so a compiler pass can open `if isinstance(x,
str):` before it knows whether any string keyword will write a line into it. An `if` block opened right after one
with the same test continues it: rules that share their `if` (sunor's four Udio rules) ask it once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

INDENT = "    "

_ASSIGNED = re.compile(r"(\w+) = ")
_NAME = re.compile(r"\b\w+\b")
_STRING = re.compile(r"""[rf]?('[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*")""")
"""A string literal (a member's name in `"tags" in x` is not the local `tags`)."""


@dataclass(frozen=True, slots=True)
class _Closed:
    """The `if` block that ended last: where its lines end, its depth and header, and the names its lines bind."""

    end: int
    depth: int
    header: str
    binds: frozenset[str]


class Writer:
    """Lines of Python source, each kept with its depth until `text()` indents them."""

    def __init__(self) -> None:
        self._lines: list[tuple[int, str]] = []
        self._depth = 0
        self._closed: _Closed | None = None

    def line(self, text: str) -> None:
        self._lines.append((self._depth, text))

    @contextmanager
    def block(self, header: str, *setup: str) -> Iterator[None]:
        """`header` and, one level deeper, `setup` and whatever is written inside; all dropped if nothing was.

        `setup` lines (binding a member to a name) only prepare what follows: alone they do not keep the block. An
        `if` with no setup, opened where the same `if` just ended, adds to that block instead of testing again.
        """
        start = len(self._lines)
        continued = not setup and self._continues(header)
        if not continued:
            self.line(header)
        self._depth += 1
        for text in setup:
            self.line(text)
        try:
            yield
        finally:
            self._depth -= 1
        if continued:
            self._close(header, self._closed.binds if self._closed else frozenset(), start)
        elif len(self._lines) == start + 1 + len(setup):
            del self._lines[start:]  # (the block closed before it, if any, is still the last one)
        elif header.startswith("if ") and not setup:
            self._close(header, frozenset(), start + 1)
        else:
            self._closed = None

    def _continues(self, header: str) -> bool:
        # the same test, at the same depth, with nothing in between and no name in it bound by the block since
        closed = self._closed
        return (
            closed is not None
            and (closed.end, closed.depth, closed.header) == (len(self._lines), self._depth, header)
            and closed.binds.isdisjoint(_NAME.findall(header))
        )

    def _close(self, header: str, binds: frozenset[str], body: int) -> None:
        bound = {m.group(1) for _, text in self._lines[body:] if (m := _ASSIGNED.match(text))}
        self._closed = _Closed(len(self._lines), self._depth, header, binds | bound)

    def reads(self, name: str) -> tuple[int, int]:
        """How many times the lines name `name`: at this writer's top level, and in all."""
        found = re.compile(rf"\b{re.escape(name)}\b")
        counts = [(depth, len(found.findall(_STRING.sub("", text)))) for depth, text in self._lines]
        return sum(n for depth, n in counts if depth == 0), sum(n for _, n in counts)

    def empty(self) -> bool:
        return not self._lines

    def extend(self, other: Writer) -> None:
        """Append another writer's lines, one level deeper for each level this one is at."""
        self._lines.extend((self._depth + depth, text) for depth, text in other._lines)

    def text(self) -> str:
        return "\n".join(INDENT * depth + text for depth, text in self._lines)
