"""JSON paths: read a value from a decoded JSON body by the dotted paths the spec's extensions name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .missing import MISSING
from .spec_data import JsonPath

__all__ = ["MISSING", "first_present", "format_paths", "lookup"]


def lookup(data: Any, path: JsonPath) -> Any:
    """Follow `path` (segments of a dotted path) into `data`; a digit segment indexes a list. MISSING if absent."""
    node = data
    for segment in path:
        if isinstance(node, dict):
            if segment not in node:
                return MISSING
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit():
            index = int(segment)
            if index >= len(node):
                return MISSING
            node = node[index]
        else:
            return MISSING
    return node


def first_present(data: Any, paths: Iterable[JsonPath], *, skip_empty: bool = False) -> Any:
    """The value at the first path that leads to a non-null value (and, with skip_empty, a non-empty string)."""
    for path in paths:
        value = lookup(data, path)
        if value is MISSING or value is None:
            continue
        if skip_empty and isinstance(value, str) and not value.strip():
            continue
        return value
    return MISSING


def format_paths(paths: Iterable[JsonPath]) -> str:
    """Paths as the spec writes them, for messages: `data.task_id or task_id`."""
    return " or ".join(".".join(path) for path in paths) or "(no path)"
