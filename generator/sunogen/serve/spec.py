"""What the emulator serves: one spec loaded, checked and built into the IR, with its generated validators.

The same stages as `sunogen generate` (load, check, build), so a spec the generator refuses is refused here with
the same `file:line:col` errors; the request bodies are checked by the generated validators, the ones `sunogen
validate` and the clients run, which must have been generated from this very spec text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sunogen import ir
from sunogen.diagnostics import SpecError, SpecErrors

Validator = Callable[[object], list[Any]]

_HEADER_HASH = re.compile(r"\(sha256:([0-9a-f]+)\)")


class ServeError(Exception):
    """A reason the emulator cannot start that is the user's to fix (a missing spec, stale validators)."""


@dataclass(frozen=True, slots=True)
class Served:
    """One gateway as the emulator serves it: the IR, its components by name, a validator per request body."""

    vendor: ir.Vendor
    components: Mapping[str, ir.Schema]
    validators: Mapping[str, Validator]

    def operation(self, operation_id: str) -> ir.Operation:
        """The operation with this id (the spec's checks guarantee every id a TaskRef names exists)."""
        return next(op for op in self.vendor.operations if op.id == operation_id)


def load_served(specs: Path, vendor: str) -> Served:
    """Load, check and build `specs/<vendor>.yaml` and import its validators.

    Raises SpecErrors with every mistake of the spec, ServeError when there is no such spec or its generated
    validators are missing or were generated from another version of it.
    """
    from sunogen.build import build
    from sunogen.check import check
    from sunogen.load import load

    path = specs / f"{vendor}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in specs.glob("*.yaml")) if specs.is_dir() else []
        folder = f" (no <vendor>.yaml in {str(specs)!r}; --specs DIR names the folder)"
        hint = f"; try one of {', '.join(known)}" if known else folder
        raise ServeError(f"no spec {str(path)!r}{hint}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServeError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    spec = load(str(path), text)
    errors = check(spec)
    if errors:
        raise SpecErrors(errors)
    built = build(spec)
    components = MappingProxyType({c.name: c.schema for c in built.components})
    return Served(built, components, MappingProxyType(_validators(built, str(path))))


def _validators(vendor: ir.Vendor, file: str) -> dict[str, Validator]:
    """The generated validators of this vendor, after checking they were generated from this spec's text."""
    name = f"suno_clients._validators.{vendor.id}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        raise ServeError(
            f"{file}: suno_clients has no validators for {vendor.id!r}: generate the package from this spec first "
            "(`sunogen generate`, or `make generate`)"
        ) from None
    first_line = Path(str(module.__file__)).read_text(encoding="utf-8").split("\n", 1)[0]
    found = _HEADER_HASH.search(first_line)
    if found is None or found.group(1) != vendor.content_hash:
        raise ServeError(
            f"{file}: the generated validators ({module.__file__}) were made from another version of this spec: "
            "run `sunogen generate` (or `make generate`) so the emulator checks requests as the clients do"
        )
    operations: dict[str, Validator] = dict(module.OPERATIONS)
    return operations


__all__ = ["ServeError", "Served", "SpecError", "SpecErrors", "load_served"]
