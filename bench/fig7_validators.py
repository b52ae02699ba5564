"""Figure 7's rows for figure 1 kept by the validation-speed work: each measured with it and without it.

The same rules as bench/fig7_kept.py: the "without" side is made in this process from the code as it would read
without the optimisation (a function put back, the rules compiler run with one of its steps taken out), never a
switch in the product. The payloads are picked from figure 1's by what each optimisation is about, never by name.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

from bench import payloads
from bench.fig7_kept import Kept, _statement, alternate, replaced, validation_namespace


@contextlib.contextmanager
def swapped(namespace: dict[str, Any], name: str, value: Any) -> Iterator[None]:
    """`namespace[name]` is `value` inside the block."""
    original = namespace[name]
    namespace[name] = value
    try:
        yield
    finally:
        namespace[name] = original


def _row(
    rounds: int, name: str, where: str, serves: str, statement: str, namespace: dict[str, Any], without: Any
) -> Kept:
    mine, theirs = alternate(
        rounds, _statement(statement, namespace, contextlib.nullcontext), _statement(statement, namespace, without)
    )
    return Kept(name, where, serves, tuple(mine), tuple(theirs))


def _non_ascii(payload: payloads.Payload) -> int:
    """How many characters of the payload's strings are not ASCII."""
    return sum(not c.isascii() for c in payload.data.decode("utf-8"))


# -- the entry points and the runtime ---------------------------------------------------------------------------------


def _entry_points(rounds: int) -> list[Kept]:
    import suno_clients
    from suno_clients._runtime import violations

    found = list(payloads.payloads())
    examples = [p for p in found if p.kind == "example"]
    smallest = min(examples, key=lambda p: len(p.data))  # where the entry point's own cost shows most
    lyrics = max(examples, key=_non_ascii)
    unknown = next(p for p in found if p.kind == "unknown")

    def importing_each_call(vendor: str, operation: str, data: Any) -> Any:
        from suno_clients._runtime.jsontext import parse_json

        return suno_clients._validator(vendor, operation)(parse_json(data))

    def looked_up_each_call(vendor: str, operation: str, payload: Any) -> Any:
        return suno_clients._validator(vendor, operation)(payload)

    def old_violation(path: str, keyword: str, detail: str, rule: Any) -> Any:
        if rule is None:
            return violations.Violation(path, keyword, detail)
        return violations.Violation(path, keyword, f"{rule.message} ({detail})", rule.id, rule.severity)

    def utf8_is_text(value: str) -> bool:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True

    def in_module(payload: payloads.Payload, name: str, value: Any) -> Callable[[], Any]:
        return lambda: replaced(sys.modules[f"suno_clients._validators.{payload.vendor}"], name, value)

    smallest_names, lyrics_names, unknown_names = (
        validation_namespace(smallest),
        validation_namespace(lyrics),
        validation_namespace(unknown),
    )
    suno_clients.validate_json(smallest.vendor, smallest.operation, smallest.data)  # every module imported
    suno_clients.validate(lyrics.vendor, lyrics.operation, lyrics_names["payload"])
    suno_clients.validate(unknown.vendor, unknown.operation, unknown_names["payload"])
    return [
        _row(
            rounds, "validate_json's parser imported by its first call, not by an import statement each call",
            "templates/package_init.py.jinja `validate_json`", f"figure 1, {smallest.label}, bytes",
            "validate_json(vendor, operation, data)", smallest_names,
            lambda: swapped(smallest_names, "validate_json", importing_each_call),
        ),
        _row(
            rounds, "a loaded vendor's validator found by two dict lookups",
            "templates/package_init.py.jinja `validate`", f"figure 1, {smallest.label}, dict",
            "validate(vendor, operation, payload)", smallest_names,
            lambda: swapped(smallest_names, "validate", looked_up_each_call),
        ),
        _row(
            rounds, "a violation made by tuple.__new__ (not the named tuple's Python __new__)",
            "runtime/violations.py `violation`", f"figure 1, {unknown.label}, dict",
            "validate(vendor, operation, payload)", unknown_names, in_module(unknown, "violation", old_violation),
        ),
        _row(
            rounds, "a string checked for surrogates by encoding it to UTF-16, not UTF-8",
            "runtime/json_values.py `is_text`", f"figure 1, {lyrics.label}, dict",
            "validate(vendor, operation, payload)", lyrics_names, in_module(lyrics, "is_text", utf8_is_text),
        ),
    ]  # fmt: skip


# -- the rules compiler -----------------------------------------------------------------------------------------------


def _source(vendor: str) -> str:
    """The vendor's validator module's text, compiled from its spec in this process by the compiler as it reads now."""
    from sunogen.build import build
    from sunogen.load import load, read_spec
    from sunogen.render import VendorParts, render_vendor
    from sunogen.rules.compiler import compile_rules

    ir = build(load(f"specs/{vendor}.yaml", read_spec((payloads.SPECS / f"{vendor}.yaml").read_bytes())))
    return render_vendor(VendorParts(ir, compile_rules(ir)))[f"suno_clients/_validators/{vendor}.py"]


def _compiled(vendor: str) -> types.ModuleType:
    """The vendor's validator module, compiled from its spec in this process by the compiler as it reads now."""
    text = _source(vendor)
    module = types.ModuleType(f"bench_validators_{vendor}")
    exec(compile(text, module.__name__, "exec"), module.__dict__)
    return module


def _compiler(rounds: int) -> list[Kept]:
    import suno_clients
    from suno_clients._runtime.violations import Rule
    from sunogen.rules.valid_pass import ValidPass
    from sunogen.rules.violation_pass import ViolationPass
    from sunogen.rules.writer import Writer

    examples = [p for p in payloads.payloads() if p.kind == "example"]

    def rules(vendor: str) -> int:
        module = importlib.import_module(f"suno_clients._validators.{vendor}")
        return sum(isinstance(value, Rule) for value in vars(module).values())

    def changed_by(taken_out: Callable[[], Any]) -> list[str]:
        """The vendors whose validators the step changes (a step can only show its figure where it does)."""
        with_it = {vendor: _source(vendor) for vendor in suno_clients.VENDORS}
        with taken_out():
            return [vendor for vendor in suno_clients.VENDORS if _source(vendor) != with_it[vendor]]

    def asked_by_a_call(self: ValidPass, schema: Any, x: str, *, known: str | None = None) -> str:
        return self.ok(schema, x, known=known)

    def never_null(self: ValidPass, schema: Any) -> bool:
        return False

    def members_read_in_place(self: ViolationPass, s: Any, checks: Any, x: str, path: str, w: Any, rule: str) -> None:
        self._groups(s, checks, x, path, w, rule, "object")

    rows = []
    steps: tuple[tuple[str, str, Callable[[], Any]], ...] = (
        ("a rule's `if` written in place, not called as a `_valid_..._if` function",
         "rules/valid_pass.py `condition`", lambda: replaced(ValidPass, "condition", asked_by_a_call)),
        ("an `if` opened where the same `if` just ended continues that block",
         "rules/writer.py `Writer._continues`", lambda: replaced(Writer, "_continues", lambda self, header: False)),
        ("a required member that refuses null tested as `x.get(name) == value`",
         "rules/valid_pass.py `_refuses_null`", lambda: replaced(ValidPass, "_refuses_null", never_null)),
        ("the members a function's rules ask about read once into locals (and an `if`'s required member known "
         "in its `then`)", "rules/locals.py, rules/violation_pass.py `_bound`",
         lambda: replaced(ViolationPass, "_bound", members_read_in_place)),
    )  # fmt: skip
    for name, where, taken_out in steps:
        # of the vendors the step changes, the one with the most rules (most of its validation), its first example
        changed = changed_by(taken_out)
        if not changed:
            raise RuntimeError(f"{name}: the compiler writes the same validators without it; it buys nothing")
        vendor = max(changed, key=rules)
        payload = next(p for p in examples if p.vendor == vendor)
        with_it = _compiled(vendor)
        with taken_out():
            without = _compiled(vendor)
        namespace = {
            "payload": json.loads(payload.data),
            "with_it": with_it.OPERATIONS[payload.operation],
            "without": without.OPERATIONS[payload.operation],
        }
        assert namespace["with_it"](namespace["payload"]) == namespace["without"](namespace["payload"])
        mine, theirs = alternate(
            rounds,
            _statement("with_it(payload)", namespace, contextlib.nullcontext),
            _statement("without(payload)", namespace, contextlib.nullcontext),
        )
        rows.append(Kept(name, where, f"figure 1, {payload.label}, dict", tuple(mine), tuple(theirs)))
    return rows


def rows(rounds: int) -> list[Kept]:
    """Every row this module measures."""
    return [*_entry_points(rounds), *_compiler(rounds)]
