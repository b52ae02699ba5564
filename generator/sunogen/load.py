"""Stage 1, load: YAML text to a plain document plus the line and column of every node (JSON pointer keyed)."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from .diagnostics import SpecError, SpecErrors

try:  # the C composer is several times faster; both build the same node tree
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in a spec file."""

    line: int
    column: int


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """A parsed spec: its file name, vendor id, raw text, the JSON-like document and where each node stands."""

    file: str
    vendor: str
    text: str
    document: Any
    marks: MappingProxyType[str, Mark]

    def mark(self, pointer: str) -> Mark:
        """The mark of the node at `pointer`, or of its nearest ancestor that has one."""
        while pointer not in self.marks and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.marks.get(pointer, Mark(1, 1))

    def error(self, pointer: str, code: str, message: str) -> SpecError:
        """A SpecError located at the node `pointer` points to."""
        mark = self.mark(pointer)
        return SpecError(self.file, mark.line, mark.column, code, message, pointer_to_path(pointer))


def escape(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer_to_path(pointer: str) -> str:
    """`/paths/~1x/post` -> `paths./x.post`: the dotted form shown in error messages."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    return ".".join(tokens)


def load(file: str, text: str) -> LoadedSpec:
    """Parse one spec. A YAML syntax error, a duplicate key or a non-string key is a SpecError."""
    vendor = file.rsplit("/", 1)[-1].removesuffix(".yaml")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SpecErrors([SpecError(file, line, column, "yaml-syntax", str(exc.problem or exc))]) from None
    marks: dict[str, Mark] = {}
    errors: list[SpecError] = []
    document = _construct(node, "", marks, errors, file) if node is not None else None
    if errors:
        raise SpecErrors(errors)
    return LoadedSpec(file, vendor, text, document, MappingProxyType(marks))


_JSON_SCALARS = (str, int, float, bool, type(None))


_STR = "tag:yaml.org,2002:str"


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag == _STR:  # most scalars of a spec: SafeConstructor would return the node's text as it is
        return node.value
    # SafeConstructor alone turns a resolved scalar node into its Python value, as yaml.safe_load would.
    return yaml.constructor.SafeConstructor().construct_object(node, deep=True)


def _construct(node: yaml.Node, pointer: str, marks: dict[str, Mark], errors: list[SpecError], file: str) -> Any:
    marks[pointer] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                errors.append(SpecError(file, line, column, "non-string-key", f"mapping key {key!r} is not a string"))
                continue
            child = f"{pointer}/{escape(key)}"
            if key in result:
                errors.append(SpecError(file, line, column, "duplicate-key", f"key {key!r} appears twice"))
                continue
            result[key] = _construct(value_node, child, marks, errors, file)
            # a key's own position is the better place to point at than its value's
            marks[child] = Mark(line, column)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, f"{pointer}/{i}", marks, errors, file) for i, item in enumerate(node.value)]
    value = _scalar(node)
    if not isinstance(value, _JSON_SCALARS):
        errors.append(
            SpecError(
                file,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                "non-json-value",
                f"{value!r} is not a JSON value (quote it to make it a string)",
            )
        )
    return value
