"""The names a vendor package exports besides its models: the templates list them, and no component may take one."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent / "runtime"

CLIENT_NAMES = ("AsyncClient", "Client", "OPERATIONS", "VENDOR", "parse_callback", "validate")
"""What templates/vendor_init.py.jinja exports from the vendor's client and validators modules."""


@functools.cache
def error_names() -> tuple[str, ...]:
    """The runtime's exception family, re-exported by every vendor module (the runtime's __all__ is the list)."""
    # read from the source rather than imported: importing it would import httpx into the generator
    tree = ast.parse((RUNTIME / "exceptions.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise RuntimeError("runtime/exceptions.py has no __all__")


def reserved_names() -> frozenset[str]:
    """Names a model may not have: it would be shadowed by (or shadow) what the vendor package exports."""
    return frozenset(CLIENT_NAMES) | frozenset(error_names())
