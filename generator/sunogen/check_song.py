"""Stage 2, check (part): x-sunogen-song (how a vendor-neutral Song becomes the gateway's request) and
x-sunogen-features (what else the gateway does), every mistake at its line.

What can be decided before any song exists is decided here: the operation creates a task, each mode's fields are
Song fields placed at fields the request schema has, of a type they fit, no two at one place, and every constant
and value a mapping sends is one that field's schema accepts. What depends on a song's content (a rule requiring
a field, a limit) is the vendor validator's to say when the song is made into a body (runtime/song.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .load import escape, pointer_to_path
from .runtime.song_fields import EXCLUSIVE, FEATURES, MODES, SONG_FIELDS, choices
from .runtime.violations import json_type
from .song_schema import REF_PREFIX, Path, accepts, at_path, fits, fixed_values, resolve

Report = Callable[[str, str, str], None]

ALLOWED: dict[str, frozenset[str]] = {
    "song": frozenset({"operation", "modes", "values", "$comment"}),
    "mode": frozenset({"constants", "fields", "set", "$comment"}),
    "set entry": frozenset({"when", "send", "$comment"}),
    "feature": frozenset({"operation", "when", "$comment"}),
}
CONTENT = {"inspiration": "description", "custom": "lyrics", "continuation": "continuation.clip_id"}
"""What each mode must place: without it the mode makes nothing."""
SCALARS = (str, int, float, bool, type(None))


def json_text(value: Any) -> str:
    """A value as JSON writes it (true, "v5"), so a message tells true from "true"."""
    return json.dumps(value)


def exclusive(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    """Whether a Song never gives field a with its value and field b with its (a value None: any value)."""

    def matches(side: tuple[str, Any], rule: tuple[str, Any]) -> bool:
        given, wanted = side[1], rule[1]
        return side[0] == rule[0] and (wanted is None or (given is not None and json_text(given) == json_text(wanted)))

    return any((matches(a, one) and matches(b, two)) or (matches(a, two) and matches(b, one)) for one, two in EXCLUSIVE)


class SongChecker:
    """Checks the song mapping and the features of one spec; `report(pointer, code, message)` records each."""

    def __init__(self, report: Report, document: dict[str, Any]) -> None:
        self.report = report
        callback = document.get("x-sunogen-callback")
        url = callback.get("url") if isinstance(callback, dict) else None
        # where the gateway reads a create's callback URL, as its callback says (None: it does not say)
        self.callback_url: list[str] | None = [url] if isinstance(url, str) else url if isinstance(url, list) else None
        components = document.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.operations: dict[str, dict[str, Any]] = {}
        paths = document.get("paths")
        for item in paths.values() if isinstance(paths, dict) else ():
            for method in ("get", "post"):
                op = item.get(method) if isinstance(item, dict) else None
                if isinstance(op, dict) and isinstance(op.get("operationId"), str):
                    self.operations.setdefault(op["operationId"], op)

    # -- helpers -------------------------------------------------------------------------------------------------

    def mapping(self, value: Any, pointer: str, kind: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.report(pointer, "wrong-type", f"expected a mapping ({kind}), got {json_type(value)}")
            return None
        for key in value:
            if key not in ALLOWED[kind]:
                self.report(f"{pointer}/{escape(str(key))}", "unknown-key", f"unknown key {key!r} in {kind}")
        return value

    def body_path(self, value: Any, pointer: str) -> Path | None:
        """A dotted path into the request body (`input.tags`)."""
        if not isinstance(value, str) or not value or any(not part for part in value.split(".")):
            self.report(pointer, "wrong-type", f"expected a dotted path into the request body, got {value!r}")
            return None
        return tuple(value.split("."))

    def request_schema(self, op_id: Any, pointer: str) -> Any:
        """The request schema of an operation named by its operationId, or None (reported) when there is none."""
        if not isinstance(op_id, str) or op_id not in self.operations:
            self.report(pointer, "unknown-operation", f"no operation {op_id!r}")
            return None
        media = (self.operations[op_id].get("requestBody") or {}).get("content", {}).get("application/json", {})
        ref = media.get("schema", {}).get("$ref") if isinstance(media, dict) else None
        node = resolve(self.schemas, {"$ref": ref}) if isinstance(ref, str) and ref.startswith(REF_PREFIX) else None
        if not isinstance(node, dict):
            self.report(pointer, "not-a-create", f"{op_id!r} takes no JSON request body")
            return None
        return node

    def target(self, root: Any, path: Path, pointer: str) -> Any:
        node = at_path(self.schemas, root, path)
        if node is None:
            self.report(pointer, "unknown-target", f"the request body has no field {'.'.join(path)!r}")
        return node

    def constant(self, root: Any, path: Any, value: Any, pointer: str) -> Path | None:
        """A constant a mapping sends at a body path: a JSON scalar that field's schema accepts."""
        where = self.body_path(path, pointer)
        if where is None:
            return None
        if not isinstance(value, SCALARS):
            self.report(
                pointer, "wrong-type", f"a constant is a string, number, boolean or null, got {json_type(value)}"
            )
            return where
        node = self.target(root, where, pointer)
        if node is not None and not accepts(self.schemas, node, value):
            self.report(pointer, "rejected-value", f"{'.'.join(where)} does not accept {value!r}")
        return where

    # -- x-sunogen-song ------------------------------------------------------------------------------------------

    def song(self, value: Any) -> None:
        pointer = "/x-sunogen-song"
        item = self.mapping(value, pointer, "song")
        if item is None:
            return
        op_id = item.get("operation")
        root = self.request_schema(op_id, f"{pointer}/operation")
        if root is not None and isinstance(op_id, str):
            op = self.operations[op_id]
            if not isinstance(op.get("x-sunogen-task"), dict):
                self.report(f"{pointer}/operation", "not-a-create", f"{op_id!r} creates no task (x-sunogen-task)")
            elif op.get("parameters"):
                self.report(f"{pointer}/operation", "not-a-create", f"{op_id!r} takes path or query parameters")
        values = self.values(item.get("values"), f"{pointer}/values")
        modes = item.get("modes")
        if not isinstance(modes, dict) or not modes:
            self.report(pointer, "missing-key", "x-sunogen-song needs `modes`: at least one of " + ", ".join(MODES))
            return
        placed: set[str] = set()
        for name, mode in modes.items():
            where = f"{pointer}/modes/{escape(str(name))}"
            if name not in MODES:
                self.report(where, "unknown-mode", f"{name!r} is not a mode; the modes are {', '.join(MODES)}")
                continue
            placed |= self.mode(name, mode, where, root, values)
        for field in sorted(set(values) - placed):
            self.report(f"{pointer}/values/{escape(field)}", "unused-values", f"no mode places {field!r}")

    def values(self, value: Any, pointer: str) -> dict[str, dict[str, Any]]:
        """The gateway's word for each value of an enumerated Song field: `{model: {v5: chirp-crow}}`."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.report(pointer, "wrong-type", "values must map an enumerated Song field to {its value: the gateway's}")
            return {}
        found: dict[str, dict[str, Any]] = {}
        for field, words in value.items():
            where = f"{pointer}/{escape(str(field))}"
            vocabulary = SONG_FIELDS[field].values if field in SONG_FIELDS else None
            if vocabulary is None:
                self.report(where, "unknown-field", f"{field!r} is not an enumerated Song field")
                continue
            if not isinstance(words, dict) or not words:
                self.report(where, "wrong-type", f"expected a mapping of {field} values to the gateway's")
                continue
            for word, said in words.items():
                if word not in vocabulary:
                    self.report(
                        f"{where}/{escape(str(word))}",
                        "unknown-value",
                        f"{word!r} is not a value of {field}; its values are {', '.join(vocabulary)}",
                    )
                elif not isinstance(said, SCALARS) or said is None:
                    self.report(f"{where}/{escape(str(word))}", "wrong-type", "the gateway's word is a JSON scalar")
            found[field] = {w: s for w, s in words.items() if w in vocabulary and isinstance(s, SCALARS)}
        return found

    def mode(self, name: str, value: Any, pointer: str, root: Any, values: dict[str, dict[str, Any]]) -> set[str]:
        """One mode's constants and fields; returns the Song fields it places."""
        item = self.mapping(value, pointer, "mode")
        if item is None:
            return set()
        claimed: list[tuple[Path, str]] = []
        constants = item.get("constants", {})
        if not isinstance(constants, dict):
            self.report(f"{pointer}/constants", "wrong-type", "constants map a dotted body path to a value")
            constants = {}
        for path, constant in constants.items():
            where = f"{pointer}/constants/{escape(str(path))}"
            found = self.constant(root, path, constant, where) if root is not None else self.body_path(path, where)
            if found is not None:
                self.claim(claimed, found, where, name)
        fields = item.get("fields")
        if not isinstance(fields, dict) or not fields:
            self.report(pointer, "missing-key", f"the {name} mode needs `fields`: where each Song field it takes goes")
            return set()
        for field, path in fields.items():
            where = f"{pointer}/fields/{escape(str(field))}"
            if field not in SONG_FIELDS:
                self.report(where, "unknown-field", f"{field!r} is not a Song field; they are {', '.join(SONG_FIELDS)}")
                continue
            found = self.body_path(path, where)
            if found is None:
                continue
            self.claim(claimed, found, where, name)
            if SONG_FIELDS[field].values is not None and field not in values:
                self.report(where, "missing-values", f"{field} is enumerated: `values` must say the gateway's words")
                continue
            node = self.target(root, found, where) if root is not None else None
            if node is not None:
                self.fitting(field, node, found, where, values)
            if field == "callback_url" and self.callback_url is not None and ".".join(found) not in self.callback_url:
                self.report(
                    where,
                    "callback-mismatch",
                    f"callback_url goes to {'.'.join(found)}, but x-sunogen-callback.url says the gateway reads "
                    f"it at {' or '.join(map(str, self.callback_url))}",
                )
        targets = {f: tuple(p.split(".")) for f, p in fields.items() if f in SONG_FIELDS and isinstance(p, str)}
        sent = self.sets(item.get("set"), f"{pointer}/set", name, root, targets, claimed)
        if CONTENT[name] not in fields:
            self.report(pointer, "missing-key", f"the {name} mode must place {CONTENT[name]!r}: it is what it makes")
        if root is not None:
            self.required(root, [path for path, _ in claimed] + sent, pointer, name)
        return {field for field in fields if field in SONG_FIELDS}

    def sets(
        self, value: Any, pointer: str, mode: str, root: Any, targets: dict[str, Path], claimed: list[tuple[Path, str]]
    ) -> list[Path]:
        """A mode's `set`: entries `{when: {field: value}, send: {path: constant}, $comment}`, each saying what a
        value of a flag or an enumerated field sends where it is no field's value. Returns the paths they send."""
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.report(pointer, "wrong-type", "set lists entries {when: {field: value}, send: {path: constant}}")
            return []
        seen: dict[tuple[str, Any], str] = {}
        sent: list[tuple[Path, str, tuple[str, Any]]] = []
        for index, entry in enumerate(value):
            where = f"{pointer}/{index}"
            item = self.mapping(entry, where, "set entry")
            if item is None:
                continue
            if not isinstance(item.get("$comment"), str) or not item["$comment"].strip():
                self.report(where, "missing-key", "a set entry needs a $comment citing the document that says so")
            when = self.when(item.get("when"), f"{where}/when", mode, targets)
            send = item.get("send")
            if not isinstance(send, dict):
                self.report(f"{where}/send", "wrong-type", "send maps a dotted body path to the value it sends")
                continue
            if when is not None and when in seen:
                self.report(
                    f"{where}/when", "duplicate-set", f"{when[0]}={json_text(when[1])} is already set by {seen[when]}"
                )
            elif when is not None:
                seen[when] = pointer_to_path(where)
            for path, constant in send.items():
                at = f"{where}/send/{escape(str(path))}"
                found = self.constant(root, path, constant, at) if root is not None else self.body_path(path, at)
                if found is not None and when is not None:
                    self.shared(found, when, at, mode, claimed, targets, sent)
                    sent.append((found, at, when))
        return [path for path, _, _ in sent]

    def when(self, value: Any, pointer: str, mode: str, targets: dict[str, Path]) -> tuple[str, Any] | None:
        """The one Song field and value an entry is for: a flag's true or false, an enumerated field's value."""
        if not isinstance(value, dict) or len(value) != 1:
            self.report(pointer, "wrong-type", "when names one Song field and one of its values: {instrumental: true}")
            return None
        field, given = next(iter(value.items()))
        where = f"{pointer}/{escape(field)}"
        listed = choices(field) if field in SONG_FIELDS else None
        if listed is None:
            settable = ", ".join(f for f in SONG_FIELDS if choices(f) is not None)
            self.report(where, "unknown-field", f"{field!r} is not a field set takes; it takes {settable}")
            return None
        if not any(isinstance(c, bool) == isinstance(given, bool) and c == given for c in listed):
            shown = ", ".join(json_text(c) for c in listed)
            self.report(where, "unknown-value", f"{json_text(given)} is not a value of {field}; its values are {shown}")
            return None
        if field in targets:
            self.report(
                where, "placed-twice", f"the {mode} mode places {field} at {'.'.join(targets[field])} and sets it too"
            )
            return None
        return field, given

    def shared(
        self,
        path: Path,
        when: tuple[str, Any],
        pointer: str,
        mode: str,
        claimed: list[tuple[Path, str]],
        targets: dict[str, Path],
        sent: list[tuple[Path, str, tuple[str, Any]]],
    ) -> None:
        """What a set entry sends shares no body path with anything a song could send along with it: the mode's
        constants, a field the song may also give, another field's set value (the Song refuses EXCLUSIVE pairs)."""
        owners = {tuple(p): f for f, p in targets.items()}
        for other, _ in claimed:
            shorter = min(len(other), len(path))
            if other[:shorter] != path[:shorter]:
                continue
            owner = owners.get(other)
            if owner is None:
                self.report(
                    pointer, "duplicate-target", f"the {mode} mode already sends a constant at {'.'.join(other)}"
                )
            elif not exclusive((owner, None), when):
                self.report(
                    pointer,
                    "duplicate-target",
                    f"the {mode} mode places {owner} at {'.'.join(other)}, and a song may give {owner} "
                    f"with {when[0]}={json_text(when[1])}",
                )
            else:
                continue
            return
        for other, _, by in sent:
            shorter = min(len(other), len(path))
            if other[:shorter] == path[:shorter] and by[0] != when[0] and not exclusive(by, when):
                self.report(
                    pointer,
                    "duplicate-target",
                    f"{by[0]}={json_text(by[1])} already sends {'.'.join(other)}, and a song may give both",
                )
                return

    def required(self, root: Any, placed: list[Path], pointer: str, mode: str) -> None:
        """Every member the schema always requires of an object the mode makes is placed by it: a body without
        one would be refused whatever the song (a rule's conditional requirement is the validator's to judge)."""
        objects: set[Path] = {()} | {path[:i] for path in placed for i in range(1, len(path))}
        for at in sorted(objects):
            node = at_path(self.schemas, root, at)
            needed = node.get("required", []) if isinstance(node, dict) else []
            for member in needed if isinstance(needed, list) else []:
                if not any(path[: len(at) + 1] == (*at, member) for path in placed):
                    shown = ".".join((*at, member))
                    self.report(
                        pointer, "unplaced-required", f"the schema requires {shown}, which the {mode} mode never places"
                    )

    def fitting(self, field: str, node: Any, path: Path, pointer: str, values: dict[str, dict[str, Any]]) -> None:
        """A Song field fits its target: an enumerated one sends the values map's words, a free one its own type."""
        shown = ".".join(path)
        if SONG_FIELDS[field].values is not None:
            for word, said in values[field].items():
                if not accepts(self.schemas, node, said):
                    self.report(pointer, "rejected-value", f"{shown} does not accept {said!r} ({field} {word})")
            return
        kind = SONG_FIELDS[field].json_type
        if not fits(kind, self.schemas, node):
            self.report(pointer, "target-type", f"{shown} does not take a {kind}, which {field} is")
        elif fixed_values(self.schemas, node):
            free = "free text" if kind == "string" else f"any {kind}"
            self.report(pointer, "target-type", f"{shown} takes only listed values, and {field} is {free}")

    def claim(self, claimed: list[tuple[Path, str]], path: Path, pointer: str, mode: str) -> None:
        """No two things of a mode at one body path (nor one inside another)."""
        for other, _ in claimed:
            shorter = min(len(other), len(path))
            if other[:shorter] == path[:shorter]:
                shown = ".".join(other)
                self.report(pointer, "duplicate-target", f"the {mode} mode already places something at {shown}")
                break
        claimed.append((path, pointer))

    # -- x-sunogen-features --------------------------------------------------------------------------------------

    def features(self, value: Any) -> None:
        pointer = "/x-sunogen-features"
        if not isinstance(value, dict) or not value:
            self.report(pointer, "wrong-type", "x-sunogen-features maps a feature to {operation, when, $comment}")
            return
        for name, entry in value.items():
            where = f"{pointer}/{escape(str(name))}"
            if name not in FEATURES:
                self.report(where, "unknown-feature", f"{name!r} is not a feature; they are {', '.join(FEATURES)}")
                continue
            item = self.mapping(entry, where, "feature")
            if item is None:
                continue
            if not isinstance(item.get("$comment"), str) or not item["$comment"].strip():
                self.report(where, "missing-key", "a feature needs a $comment citing its source")
            when = item.get("when", {})
            if not isinstance(when, dict):
                self.report(f"{where}/when", "wrong-type", "when maps a dotted body path to the value that selects it")
                when = {}
            op_id = item.get("operation")
            if not when:
                if not isinstance(op_id, str) or op_id not in self.operations:
                    self.report(f"{where}/operation", "unknown-operation", f"no operation {op_id!r}")
                continue
            root = self.request_schema(op_id, f"{where}/operation")
            for path, constant in when.items():
                if root is not None:
                    self.constant(root, path, constant, f"{where}/when/{escape(str(path))}")
