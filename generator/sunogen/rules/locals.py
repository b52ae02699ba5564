"""The locals a `_check_` function binds its object's members to, once, for the rules that read them.

A vendor's rules mostly ask about the same few members (`model`, `task_type`, `input`) of the object they are
written in: each read from a local bound once at the top of the function, not looked up again by every rule's
`if` and `then` (bench/RESULTS.md, figure 7). A local is named after its member, unless that name is one the
generated code already uses (a builtin, a runtime helper, the compiler's own `x`, `v`, `path`...).
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterator
from contextlib import contextmanager

from .module import RUNTIME, snake
from .writer import Writer

_TAKEN = frozenset(
    [*dir(builtins), "x", "v", "k", "i", "doc", "item", "path", "out", "r", "re", "Callable"]
    + [name for names in RUNTIME.values() for name in names]
)
"""Names the generated code reads: builtins, the compiler's own locals and arguments, and what it imports."""


class Members:
    """The members of `subject` (a function's object) that its expressions read, each with its local's name."""

    def __init__(self, subject: str, only: frozenset[str] | None = None) -> None:
        self.subject = subject
        self._only = only  # the members bound (None: every member asked for)
        self._locals: dict[str, str] = {}
        self._facts: dict[str, str | None] = {}

    @contextmanager
    def facts(self, present: dict[str, str | None]) -> Iterator[None]:
        """Inside the block, the members `present` names are there, each of the JSON type given (None: any)."""
        outer = self._facts
        self._facts = {**outer, **present}
        try:
            yield
        finally:
            self._facts = outer

    def present(self, name: str) -> bool:
        """Whether member `name` is known to be there (an `if` around the expression required it)."""
        return name in self._facts

    def known(self, name: str) -> str | None:
        """The JSON type member `name` is known to have (None: not known)."""
        return self._facts.get(name)

    def local(self, name: str) -> str | None:
        """The local holding member `name` (bound on first ask); None for a member that is not bound."""
        if self._only is not None and name not in self._only:
            return None
        if name not in self._locals:
            self._locals[name] = self._unique(_python_name(name))
        return self._locals[name]

    def _unique(self, name: str) -> str:
        taken = set(self._locals.values())
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}_{n}"
        return unique

    def worth_binding(self, body: Writer) -> frozenset[str]:
        """The members worth their local in `body`, written with every member bound: those read by the body's
        top level (asked of every payload) and read at least twice. One read once, or only in a nested block (a
        rule's `then`), is read where it is, so no payload pays for a lookup its rules never make."""
        return frozenset(
            name for name, local in self._locals.items() if (reads := body.reads(local))[0] >= 1 and reads[1] >= 2
        )

    def asked(self) -> frozenset[str]:
        """The members asked for so far."""
        return frozenset(self._locals)

    def bindings(self, order: list[str]) -> list[str]:
        """A line binding each member asked for: those of `order` in its order, then the others as first asked."""
        names = sorted(self._locals, key=lambda name: order.index(name) if name in order else len(order))
        return [f"{self._locals[name]} = {self.subject}.get({name!r}, MISSING)" for name in names]


def _python_name(member: str) -> str:
    name = snake(member)
    if not name.isidentifier():
        return f"member_{name}"  # (a name that starts with a digit)
    if keyword.iskeyword(name) or name in _TAKEN:
        return f"{name}_"
    return name
