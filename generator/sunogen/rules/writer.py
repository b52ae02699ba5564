"""A small writer of Python source: lines at the current depth, and blocks that indent what is written inside.

A block that ends up saying nothing is dropped with its header, so a compiler pass can open `if isinstance(x,
str):` before it knows whether any string keyword will write a line into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

INDENT = "    "


class Writer:
    """Lines of Python source, each kept with its depth until `text()` indents them."""

    def __init__(self) -> None:
        self._lines: list[tuple[int, str]] = []
        self._depth = 0

    def line(self, text: str) -> None:
        self._lines.append((self._depth, text))

    @contextmanager
    def block(self, header: str, *setup: str) -> Iterator[None]:
        """`header` and, one level deeper, `setup` and whatever is written inside; all dropped if nothing was.

        `setup` lines (binding a member to a name) only prepare what follows: alone they do not keep the block.
        """
        start = len(self._lines)
        self.line(header)
        self._depth += 1
        for text in setup:
            self.line(text)
        try:
            yield
        finally:
            self._depth -= 1
        if len(self._lines) == start + 1 + len(setup):
            del self._lines[start:]

    def empty(self) -> bool:
        return not self._lines

    def extend(self, other: Writer) -> None:
        """Append another writer's lines, one level deeper for each level this one is at."""
        self._lines.extend((self._depth + depth, text) for depth, text in other._lines)

    def text(self) -> str:
        return "\n".join(INDENT * depth + text for depth, text in self._lines)
