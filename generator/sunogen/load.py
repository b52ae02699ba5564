"""Stage 1, load: YAML text to a plain document plus the line and column of every node (JSON pointer keyed).

A spec is read as bytes and decoded by `read_spec`; `load` refuses, at their line, what it cannot turn into a
vendor package: a file name that is not a vendor id, text that is not UTF-8, a character YAML does not allow,
and a document too large, too deep or too recursive to expand (an alias bomb expands exponentially).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml

from .diagnostics import SpecError, SpecErrors

MAX_SPEC_CHARACTERS = 1024 * 1024
"""A spec's size limit (1 MiB; the largest spec is under 50 kB): beyond it a file is not a hand-written spec."""
MAX_ALIASES = 100
"""How many times a document may reuse an anchored node: enough to share a list, too few for a bomb."""
MAX_NODES = 200_000
"""How many nodes a document may expand to, aliases expanded (the largest spec has about 5,000)."""
MAX_DEPTH = 100
"""How deep a document may nest (the specs nest about 15 deep); deeper is refused at the node, not a crash."""

VENDOR_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# What read_spec makes of a byte that is not UTF-8 (the surrogateescape error handler's lone surrogates).
_UNDECODED = re.compile("[\udc80-\udcff]")
# Names of the suno_clients package itself: importing a vendor module of one of these names would replace it.
PACKAGE_NAMES = frozenset(
    {
        "annotations",
        "connect",
        "connect_async",
        "errors_only",
        "importlib",
        "validate",
        "validate_json",
        "vendor_module",
        "vendor_validators",
    }
)

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


def read_spec(data: bytes) -> str:
    """A spec file's bytes as text; bytes that are not UTF-8 are kept as lone surrogates for `load` to point at."""
    return data.decode("utf-8", "surrogateescape")


def vendor_id_problem(name: str) -> str | None:
    """Why a file name cannot name a vendor (the module `suno_clients.<vendor>`), or None when it can."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix != "yaml":
        shown = f"{stem}.yaml" if suffix == "yml" else f"{name}.yaml"
        return f"a spec file is named <vendor>.yaml: rename {name} to {shown}"
    if not VENDOR_ID.match(stem):
        suggestion = re.sub(r"[^a-z0-9_]", "_", stem.lower())
        return (
            f"{stem!r} is not a vendor id (lowercase letters, digits and _, starting with a letter): "
            f"rename {name} to {suggestion}.yaml"
        )
    if keyword.iskeyword(stem) or keyword.issoftkeyword(stem):
        return f"{stem!r} is a Python keyword and cannot name the module suno_clients.{stem}: rename {name}"
    if stem in PACKAGE_NAMES:
        return f"{stem!r} is a name of the suno_clients package itself (suno_clients.{stem}): rename {name}"
    return None


def _position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _text_problem(file: str, text: str) -> SpecError | None:
    """The first thing that keeps `text` from being parsed at all: its size, or a byte that is not UTF-8."""
    if len(text) > MAX_SPEC_CHARACTERS:
        return SpecError(
            file, 1, 1, "too-large", f"the spec has {len(text)} characters; the limit is {MAX_SPEC_CHARACTERS}"
        )
    bad = None if text.isascii() else _UNDECODED.search(text)
    if bad is not None:
        line, column = _position(text, bad.start())
        byte = ord(bad.group()) - 0xDC00
        return SpecError(file, line, column, "not-utf8", f"byte 0x{byte:02x} is not UTF-8: a spec is UTF-8 text")
    return None


def load(file: str, text: str) -> LoadedSpec:
    """Parse one spec. A YAML syntax error, a duplicate key or a non-string key is a SpecError."""
    name = file.rsplit("/", 1)[-1]
    vendor = name.removesuffix(".yaml")
    problem = vendor_id_problem(name)
    if problem is not None:
        raise SpecErrors([SpecError(file, 1, 1, "bad-file-name", problem)])
    refused = _text_problem(file, text)
    if refused is not None:
        raise SpecErrors([refused])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise SpecErrors([SpecError(file, line, column, "yaml-syntax", str(exc.problem or exc))]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        line, column = _position(text, exc.position)
        problem = f"character U+{exc.character:04X} is not allowed in YAML"
        raise SpecErrors([SpecError(file, line, column, "yaml-syntax", problem)]) from None
    builder = _Builder(file)
    try:
        document = builder.construct(node, "") if node is not None else None
    except _Refused as exc:
        raise SpecErrors([exc.error]) from None
    if builder.errors:
        raise SpecErrors(builder.errors)
    return LoadedSpec(file, vendor, text, document, MappingProxyType(builder.marks))


_JSON_SCALARS = (str, int, float, bool, type(None))


class _Refused(Exception):
    """Raised out of the construction when the document must not be expanded any further."""

    def __init__(self, error: SpecError) -> None:
        super().__init__(str(error))
        self.error = error


class _Builder:
    """Turns the composed node graph into JSON-like values, recording each node's mark and counting expansion."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[str, Mark] = {}
        self.errors: list[SpecError] = []
        self._seen: set[int] = set()  # the composer returns the anchored node itself for each alias
        self._open: set[int] = set()  # the collections being built, to catch one that contains itself
        self._aliases = 0
        self._nodes = 0
        # turns a resolved scalar node into its Python value, as yaml.safe_load would
        self._constructor = yaml.constructor.SafeConstructor()

    def _refuse(self, node: yaml.Node, code: str, message: str) -> _Refused:
        mark = node.start_mark
        return _Refused(SpecError(self.file, mark.line + 1, mark.column + 1, code, message))

    def _count(self, node: yaml.Node, *, within_alias: bool) -> bool:
        """Count one node (and one alias, where an alias starts); whether the node is inside an alias's copy."""
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise self._refuse(
                node, "too-large", f"the document expands to more than {MAX_NODES} nodes, aliases expanded"
            )
        again = id(node) in self._seen
        if again and not within_alias:
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise self._refuse(node, "too-many-aliases", f"more than {MAX_ALIASES} aliases: a spec needs few")
        self._seen.add(id(node))
        return again or within_alias

    def construct(self, node: yaml.Node, pointer: str, *, within_alias: bool = False) -> Any:
        within_alias = self._count(node, within_alias=within_alias)
        if len(self._open) >= MAX_DEPTH:
            raise self._refuse(node, "too-deep", f"the document nests more than {MAX_DEPTH} levels deep")
        self.marks[pointer] = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar_value(node)
        if id(node) in self._open:
            raise self._refuse(node, "recursive-alias", "an alias refers to a node that contains it")
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, pointer, within_alias)
            return [
                self.construct(item, f"{pointer}/{i}", within_alias=within_alias) for i, item in enumerate(node.value)
            ]
        finally:
            self._open.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, pointer: str, within_alias: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                self.errors.append(
                    SpecError(self.file, line, column, "non-string-key", f"mapping key {key!r} is not a string")
                )
                continue
            child = f"{pointer}/{escape(key)}"
            if key in result:
                self.errors.append(SpecError(self.file, line, column, "duplicate-key", f"key {key!r} appears twice"))
                continue
            result[key] = self.construct(value_node, child, within_alias=within_alias)
            # a key's own position is the better place to point at than its value's
            self.marks[child] = Mark(line, column)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        return self._constructor.construct_object(node, deep=True)

    def _scalar_value(self, node: yaml.ScalarNode) -> Any:
        value = self._scalar(node)
        if not isinstance(value, _JSON_SCALARS):
            self.errors.append(
                SpecError(
                    self.file,
                    node.start_mark.line + 1,
                    node.start_mark.column + 1,
                    "non-json-value",
                    f"{value!r} is not a JSON value (quote it to make it a string)",
                )
            )
        return value
