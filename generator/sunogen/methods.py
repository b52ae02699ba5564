"""Part of stage 3: the public methods of a vendor's clients, named and typed once on the IR, and checked unique.

The names follow from what the spec says an operation is, never from where it sits, so reordering a spec renames
nothing:

- every operation is a method named by its operationId;
- the one operation with `x-sunogen-poll` gives `wait(task_id)`. A spec with two is refused: `wait` takes only a
  task id, and which query follows a task is what each create's `x-sunogen-task.poll` says, not `wait`'s to guess;
- an operation with `x-sunogen-task` also gives a create-then-wait method: `create_and_wait` when it is the
  spec's only one, `<operationId>_and_wait` for each when there are several (none is more "the" create than
  another).

What a method returns is decided here too: a create returns a NewTask (`task_id`, where `x-sunogen-task.id`
says, and the envelope's data, typed as the response model types it); another operation returns its envelope's
data when that is a component, else the whole body; `wait` and `*_and_wait` return a TaskResult of the poll's body.
"""

from __future__ import annotations

import ast
import functools
import keyword
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import ir
from .load import escape
from .pytypes import DEFS_PREFIX, Problem, model_field_type

RUNTIME = Path(__file__).resolve().parent / "runtime"
WAIT = "wait"
CREATE_AND_WAIT = "create_and_wait"
WAIT_OPTIONS = ("timeout", "poll_interval", "on_progress")
"""The keyword parameters templates/client.py.jinja gives wait() and every *_and_wait method besides the fields."""
METHOD_NAMES = ("self", "request", "fields", "body", "models", "params", "prepare_body")
"""The names the methods of templates/client.py.jinja use besides their path and query parameters."""
# The runtime's client classes, in the modules that define them: a generated client inherits all their names.
_CLIENT_CLASSES = (
    ("sync_client.py", "SyncAPIClient"),
    ("async_client.py", "AsyncAPIClient"),
    ("base_client.py", "BaseClient"),
)


@functools.cache
def client_attributes() -> frozenset[str]:
    """Every name a generated client inherits from the runtime (close, is_closed, vendor, base_url, ...).

    Read from the runtime's source, as exports.py reads the exceptions: importing it would import httpx into
    the generator. Methods, class attributes and what `__init__` sets on `self` all count.
    """
    names: set[str] = set()
    for file, cls in _CLIENT_CLASSES:
        tree = ast.parse((RUNTIME / file).read_text(encoding="utf-8"))
        (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls]
        names.update(_class_names(node))
    return frozenset(names)


def _class_names(node: ast.ClassDef) -> Iterable[str]:
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            yield statement.name
            for inner in ast.walk(statement):  # self.<name> = ... anywhere in a method
                targets = inner.targets if isinstance(inner, ast.Assign) else [getattr(inner, "target", None)]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        yield target.attr
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            yield statement.target.id
        elif isinstance(statement, ast.Assign):
            yield from (t.id for t in statement.targets if isinstance(t, ast.Name))


def data_model(defs: dict[str, Any], envelope: ir.Envelope, model: str | None) -> str | None:
    """The component an envelope's data field holds, when it is one: what a query method returns, unwrapped."""
    if envelope.data is None or model is None:
        return None
    field = defs.get(model, {}).get("properties", {}).get(envelope.data, {})
    if not isinstance(field, dict):
        return None
    # `$ref`, or `anyOf: [$ref, {type: null}]`: a success body's data is the component (null data is malformed)
    branches = [field] if "$ref" in field else [b for b in field.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) == 1 and set(branches[0]) == {"$ref"}:
        return str(branches[0]["$ref"]).removeprefix(DEFS_PREFIX)
    return None


class _Planner:
    """Decides one vendor's methods; `problems` collects every reason the spec cannot have them."""

    def __init__(self, operations: tuple[ir.Operation, ...], envelope: ir.Envelope, defs: dict[str, Any]) -> None:
        self.operations = operations
        self.envelope = envelope
        self.defs = defs
        self.problems: list[Problem] = []

    def problem(self, pointer: str, code: str, message: str) -> None:
        self.problems.append(Problem(pointer, code, message))

    def plan(self, params_of: dict[str, str]) -> tuple[ir.Method, ...]:
        polls = [op for op in self.operations if op.poll is not None]
        creates = [op for op in self.operations if op.task is not None]
        and_wait = {op.id: CREATE_AND_WAIT if len(creates) == 1 else f"{op.id}_and_wait" for op in creates}
        for op in self.operations:
            self.check_operation_id(op, and_wait)
            self.check_parameters(op, and_wait.get(op.id))
            self.check_fields(op, op.id, {p.python_name: f"the {p.location} parameter {p.name!r}" for p in op.params})
            if op.result_model is None:
                self.problem(
                    f"{op.pointer}/responses",
                    "no-response-model",
                    f"{op.id}: the 2xx response needs an application/json schema ($ref): the method returns it",
                )
        if len(polls) > 1:
            names = ", ".join(op.id for op in polls)
            for op in polls:
                self.problem(
                    f"{op.pointer}/x-sunogen-poll",
                    "several-polls",
                    f"{len(polls)} operations have x-sunogen-poll ({names}), but a client has one wait(task_id): "
                    "keep it on the query that follows a task",
                )
        methods = [self.operation_method(op, params_of) for op in self.operations if op.result_model is not None]
        if len(polls) == 1 and polls[0].result_model is not None:
            poll, model = polls[0], polls[0].result_model
            methods.append(ir.Method(WAIT, "wait", poll, f"TaskResult[models.{model}]", model))
        by_id = {op.id: op for op in self.operations}
        for op in creates:
            assert op.task is not None  # a create is an operation with a task; check made sure its poll exists
            poll = by_id[op.task.poll]
            self.check_fields(op, and_wait[op.id], {option: f"its own {option}= parameter" for option in WAIT_OPTIONS})
            if op.result_model is not None and poll.result_model is not None:
                methods.append(
                    ir.Method(
                        and_wait[op.id],
                        "create_and_wait",
                        op,
                        f"TaskResult[models.{poll.result_model}]",
                        op.result_model,
                        params=params_of.get(op.request or ""),
                        poll=poll,
                    )
                )
        self.check_unique(methods)
        return tuple(methods)

    def check_operation_id(self, op: ir.Operation, and_wait: dict[str, str]) -> None:
        where = f"{op.pointer}/operationId"
        made_by = {name: create for create, name in and_wait.items()}
        if keyword.iskeyword(op.id):
            self.problem(where, "bad-name", f"operationId {op.id!r} is a Python keyword: no method can have its name")
        elif op.id in client_attributes():
            self.problem(where, "reserved-name", f"operationId {op.id!r} would clash with the client's own {op.id}")
        elif op.id in (WAIT, CREATE_AND_WAIT):
            # reserved even where this spec makes no such method, so that adding a poll or a create renames nothing
            self.problem(where, "reserved-name", f"operationId {op.id!r} is the name of the clients' own {op.id}()")
        elif op.id in made_by:
            message = f"operationId {op.id!r} would clash with the {op.id}() that runs {made_by[op.id]} and waits"
            self.problem(where, "reserved-name", message)
        derived = and_wait.get(op.id)
        if derived is not None and derived in client_attributes():
            self.problem(where, "reserved-name", f"its {derived}() would clash with the client's own {derived}")

    def check_parameters(self, op: ir.Operation, and_wait: str | None) -> None:
        """A path or query parameter is a keyword argument: unique, and none of the names a method uses itself."""
        seen: dict[str, str] = {}
        for i, p in enumerate(op.params):
            where = f"{op.pointer}/parameters/{i}"
            if p.python_name in seen:
                message = f"parameters {seen[p.python_name]!r} and {p.name!r} would both be {p.python_name}="
                self.problem(where, "name-clash", message)
            elif p.python_name in METHOD_NAMES:
                message = f"parameter {p.name!r} would be {op.id}()'s {p.python_name}=, a name its method uses itself"
                self.problem(where, "name-clash", message)
            elif and_wait is not None and p.python_name in WAIT_OPTIONS:
                message = f"parameter {p.name!r} would clash with {and_wait}()'s own {p.python_name}= parameter"
                self.problem(where, "name-clash", message)
            seen[p.python_name] = p.name

    def check_fields(self, op: ir.Operation, method: str, taken: dict[str, str]) -> None:
        """A request field is a keyword argument: it may not share a name with the method's other keywords."""
        if op.request is None:
            return
        for field in self.defs.get(op.request, {}).get("properties", {}):
            if field in taken:
                self.problem(
                    f"/components/schemas/{escape(op.request)}/properties/{escape(field)}",
                    "name-clash",
                    f"field {field!r} of {op.request} would be a keyword of {method}(), which has {taken[field]}",
                )

    def operation_method(self, op: ir.Operation, params_of: dict[str, str]) -> ir.Method:
        body = str(op.result_model)
        params = params_of.get(op.request or "")
        if op.task is None:
            data = data_model(self.defs, self.envelope, body)
            if data is not None:
                return ir.Method(op.id, "call", op, f"models.{data}", data, unwrap=True, params=params)
            return ir.Method(op.id, "call", op, f"models.{body}", body, params=params)
        if self.envelope.data is None:
            return ir.Method(op.id, "create", op, f"NewTask[models.{body}]", body, params=params)
        data_type = model_field_type(self.defs, body, self.envelope.data)
        if data_type is None:
            self.problem(
                f"/components/schemas/{escape(body)}",
                "no-envelope-data",
                f"{op.id} creates a task and returns its data, but {body} has no {self.envelope.data!r} property "
                "(x-sunogen-envelope.data)",
            )
            data_type = "Any"
        return ir.Method(op.id, "create", op, f"NewTask[{data_type}]", body, params=params)

    def check_unique(self, methods: list[ir.Method]) -> None:
        # Operation ids are unique (check), none is wait or create_and_wait and none is another's <id>_and_wait
        # (above): what passes those checks has unique names, which is stated here, where the names are made.
        names = [method.name for method in methods]
        if not self.problems:
            assert len(set(names)) == len(names), f"methods named twice: {sorted(names)}"


def plan_methods(
    operations: tuple[ir.Operation, ...], envelope: ir.Envelope, defs: dict[str, Any], params_of: dict[str, str]
) -> tuple[tuple[ir.Method, ...], list[Problem]]:
    """The methods of a vendor's clients in spec order (operations, then wait, then the *_and_wait), and problems.

    `defs` are the components' shapes; `params_of` maps a request component to the TypedDict of its fields.
    """
    planner = _Planner(operations, envelope, defs)
    methods = planner.plan(params_of)
    return methods, planner.problems
