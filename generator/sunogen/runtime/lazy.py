"""Lazy imports: a vendor package's names and its models module are imported on first use, not with the package.

Importing `suno_clients.<vendor>` or its Client then defines no pydantic model (pydantic builds its model machinery
on the first one); the models are imported, and each one's validator built, when a call or a user first needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["LazyModule", "lazy_exports"]


def lazy_exports(
    package: str, namespace: dict[str, Any], exports: Mapping[str, tuple[str, ...]], submodules: tuple[str, ...] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module `__getattr__` and `__dir__` (PEP 562) for `package`, whose globals are `namespace`.

    `exports` maps a module (by its absolute name) to the names it defines that `package` exports; `submodules`
    are `package`'s own submodules it exports by name. A name is imported on first access and then
    stored in `namespace`, so later lookups are plain attribute lookups.
    """
    source = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name in submodules:
            value: Any = import_module(f"{package}.{name}")
        elif name in source:
            value = getattr(import_module(source[name]), name)
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *source, *submodules})

    return __getattr__, __dir__


class LazyModule:
    """Stands in for a module-valued global until an attribute of it is first read.

    Then it imports the module and puts the module itself in the global's place, so functions that read the
    global pay nothing after the first time, and `typing.get_type_hints` still resolves annotations naming it.
    """

    __slots__ = ("_binding", "_name", "_namespace")

    def __init__(self, name: str, namespace: dict[str, Any], binding: str) -> None:
        self._name = name
        self._namespace = namespace
        self._binding = binding

    def __getattr__(self, attribute: str) -> Any:
        module = import_module(self._name)
        self._namespace[self._binding] = module
        return getattr(module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
