"""Client methods: named and typed on the IR, the same kind of return on every gateway, stable under reordering."""

from __future__ import annotations

import ast
import json
import typing
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import suno_clients
import sunogen
from suno_clients import NewTask
from suno_clients._runtime.async_client import AsyncAPIClient
from suno_clients._runtime.sync_client import SyncAPIClient
from sunogen.build import thaw
from sunogen.methods import METHOD_NAMES, WAIT_OPTIONS, client_attributes

from .conftest import GENERATED, SPECS
from .spec_files import VENDORS, dump, parse, spec_document, vendor_ir


def _public_signatures(client_source: str) -> set[str]:
    """Every public method of every class of a generated client module, overloads included, as `Class.name(...)`."""
    found = set()
    for node in ast.parse(client_source).body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_"):
                    returns = ast.unparse(item.returns) if item.returns else ""
                    found.add(f"{node.name}.{item.name}({ast.unparse(item.args)}) -> {returns}")
    return found


def _reversed(text: str) -> str:
    document = parse(text)
    document["paths"] = dict(reversed(list(document["paths"].items())))
    for item in document["paths"].values():
        for key in [key for key in item if key in ("get", "post")][::-1]:
            item[key] = item.pop(key)
    return dump(document)


def test_reordering_the_operations_of_every_spec_keeps_every_public_method_name_and_signature(
    generated_files: dict[str, str],
) -> None:
    sources = {f"specs/{v}.yaml": (SPECS / f"{v}.yaml").read_text(encoding="utf-8") for v in VENDORS}
    before = generated_files  # what the specs as they are generate
    after = sunogen.generate({file: _reversed(text) for file, text in sources.items()})
    for vendor in VENDORS:
        client = f"suno_clients/{vendor}/_client.py"
        assert _public_signatures(after[client]) == _public_signatures(before[client]), vendor
        assert before[client] != after[client], "the operations were not reordered"


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_spec_with_one_create_has_create_and_wait_and_one_with_several_has_one_and_wait_each(vendor: str) -> None:
    built = vendor_ir(vendor)
    creates = [op.id for op in built.operations if op.task is not None]
    expected = ["create_and_wait"] if len(creates) == 1 else [f"{op}_and_wait" for op in creates]
    assert [m.name for m in built.methods if m.kind == "create_and_wait"] == expected
    assert [m.operation.id for m in built.methods if m.kind == "create_and_wait"] == creates
    client = suno_clients.vendor_module(vendor).Client
    assert all(callable(getattr(client, name)) for name in expected)


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_method_name_is_unique_and_wait_follows_the_spec_s_one_poll_operation(vendor: str) -> None:
    built = vendor_ir(vendor)
    names = [m.name for m in built.methods]
    assert len(names) == len(set(names))
    (poll,) = [op for op in built.operations if op.poll is not None]
    assert [(m.name, m.operation.id) for m in built.methods if m.kind == "wait"] == [("wait", poll.id)]
    for method in [m for m in built.methods if m.kind == "create_and_wait"]:
        assert method.operation.task is not None
        assert method.poll is not None
        assert method.poll.id == method.operation.task.poll


def test_the_names_a_generated_client_inherits_are_read_from_the_runtime_client_classes() -> None:
    public = {name for cls in (SyncAPIClient, AsyncAPIClient) for name in dir(cls) if not name.startswith("_")}
    client = suno_clients.vendor_module("crun").Client(api_key="k-0123456789")
    try:
        public |= {name for name in vars(client) if not name.startswith("_")}
    finally:
        client.close()
    assert public  # close, is_closed, aclose, vendor, base_url, ...
    assert public <= client_attributes()


def test_every_wait_option_the_generator_reserves_is_a_keyword_of_the_generated_and_wait_methods() -> None:
    for vendor in VENDORS:
        module = suno_clients.vendor_module(vendor)
        for method in [m for m in vendor_ir(vendor).methods if m.kind == "create_and_wait"]:
            for cls in (module.Client, module.AsyncClient):
                keywords = typing.get_type_hints(getattr(cls, method.name)).keys() - {"request", "fields", "return"}
                params = {p.python_name for p in method.operation.params}
                assert keywords - params == set(WAIT_OPTIONS), f"{vendor} {cls.__name__}.{method.name}"


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_generated_method_uses_no_name_besides_its_parameters_but_those_the_generator_keeps_from_them(
    vendor: str,
) -> None:
    operations = {op.id: op for op in vendor_ir(vendor).operations}
    methods = {m.name: m for m in vendor_ir(vendor).methods}
    tree = ast.parse((GENERATED / "suno_clients" / vendor / "_client.py").read_text(encoding="utf-8"))
    checked = 0
    for cls in [node for node in tree.body if isinstance(node, ast.ClassDef)]:
        for function in [f for f in cls.body if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]:
            if function.name not in methods or not function.body[-1:] or isinstance(function.body[-1], ast.Expr):
                continue  # an overload's body is `...`
            arguments = [a.arg for a in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)]
            if function.args.kwarg:
                arguments.append(function.args.kwarg.arg)
            used = {n.id for statement in function.body for n in ast.walk(statement) if isinstance(n, ast.Name)}
            own = {p.python_name for p in operations[methods[function.name].operation.id].params}
            if methods[function.name].kind in ("wait", "create_and_wait"):
                own |= {*WAIT_OPTIONS, "task_id"} if methods[function.name].kind == "wait" else set(WAIT_OPTIONS)
            assert (set(arguments) | used) - own - {"VENDOR"} <= set(METHOD_NAMES), f"{cls.name}.{function.name}"
            checked += 1
    assert checked == 2 * len(methods)


def _example(vendor: str, operation: str, where: str) -> Any:
    for item in spec_document(vendor)["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation:
                if where == "request":
                    examples = op.get("requestBody", {}).get("content", {}).get("application/json", {})
                else:
                    success = next(r for status, r in op["responses"].items() if str(status).startswith("2"))
                    examples = success.get("content", {}).get("application/json", {})
                found = list(examples.get("examples", {}).values())
                return found[0]["value"] if found else None
    raise KeyError(operation)


def _creates_with_examples() -> list[tuple[str, str]]:
    return [
        (vendor, op.id)
        for vendor in VENDORS
        for op in vendor_ir(vendor).operations
        if op.task is not None and _example(vendor, op.id, "request") and _example(vendor, op.id, "response")
    ]


def test_every_spec_has_a_documented_create_to_call() -> None:
    assert {vendor for vendor, _ in _creates_with_examples()} == set(VENDORS)


def _first_present(body: Any, paths: tuple[tuple[str, ...], ...]) -> Any:
    for path in paths:
        value = body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value:
            return value
    return None


@pytest.mark.parametrize(("vendor", "operation"), _creates_with_examples())
async def test_a_create_returns_a_new_task_with_the_task_id_and_the_typed_data_of_its_documented_response(
    vendor: str, operation: str
) -> None:
    module = suno_clients.vendor_module(vendor)
    (op,) = [op for op in vendor_ir(vendor).operations if op.id == operation]
    request, response = _example(vendor, operation, "request"), _example(vendor, operation, "response")
    assert op.task is not None
    data_type = typing.get_args(typing.get_type_hints(getattr(module.Client, operation))["return"])[0]
    data_classes = tuple(t for t in typing.get_args(data_type) or (data_type,) if isinstance(t, type))
    with respx.mock(base_url="https://gateway.example") as router:
        router.route(path__regex=".*").mock(httpx.Response(200, json=response))
        with module.Client(api_key="k-0123456789", base_url="https://gateway.example") as client:
            task = getattr(client, operation)(**request)
        async with module.AsyncClient(api_key="k-0123456789", base_url="https://gateway.example") as client:
            same = await getattr(client, operation)(**request)
        assert [json.loads(call.request.content) for call in router.calls] == [request, request]
    assert type(task) is NewTask
    assert task.task_id == str(_first_present(response, op.task.id))
    assert isinstance(task.data, data_classes)
    assert same == task


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_new_task_s_data_is_annotated_as_the_response_model_types_the_envelope_s_data(vendor: str) -> None:
    module = suno_clients.vendor_module(vendor)
    data_field = module.VENDOR.envelope.data
    for method in [m for m in vendor_ir(vendor).methods if m.kind == "create"]:
        declared = typing.get_args(typing.get_type_hints(getattr(module.Client, method.name))["return"])[0]
        model = getattr(module, method.response_model)
        actual = model if data_field is None else model.model_fields[data_field].annotation
        assert set(typing.get_args(declared) or (declared,)) == set(typing.get_args(actual) or (actual,)), method.name


def _integer_codes(vendor: str) -> list[tuple[str, Any]]:
    module = suno_clients.vendor_module(vendor)
    code = module.VENDOR.envelope.code
    built = vendor_ir(vendor)
    responses = {r.model for op in built.operations for r in op.responses if r.model}
    return [
        (name, getattr(module, name).model_fields[code].annotation)
        for name in sorted(responses)
        if code in getattr(module, name).model_fields
    ]


@pytest.mark.parametrize("vendor", VENDORS)
def test_an_envelope_s_numeric_code_is_an_int_never_a_float_in_every_response_model(vendor: str) -> None:
    codes = _integer_codes(vendor)
    assert codes
    for name, annotation in codes:
        assert float not in (typing.get_args(annotation) or (annotation,)), f"{name}: {annotation}"


@pytest.mark.parametrize("vendor", VENDORS)
def test_each_typeddict_of_keyword_fields_requires_at_run_time_what_its_schema_requires(vendor: str) -> None:
    module = suno_clients.vendor_module(vendor)
    shapes = thaw(vendor_ir(vendor).shapes)["$defs"]
    typed = vendor_ir(vendor).typed_params
    assert typed
    for params in typed:
        assert params.component is not None
        schema = shapes[params.component]
        typed_dict = getattr(module, params.name)
        assert typed_dict.__required_keys__ == frozenset(schema.get("required", ())), params.name
        assert typed_dict.__required_keys__ | typed_dict.__optional_keys__ == set(schema["properties"])


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_annotations_of_every_overload_resolve(vendor: str) -> None:
    module = suno_clients.vendor_module(vendor)
    overloaded = 0
    for cls in (module.Client, module.AsyncClient):
        for name in [name for name in vars(cls) if not name.startswith("_")]:
            for overload in typing.get_overloads(getattr(cls, name)):
                assert "return" in typing.get_type_hints(overload)
                overloaded += 1
    assert overloaded


def test_importing_a_client_imports_no_typeddict_module(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = "import sys\nfrom suno_clients.crun import Client\nprint('suno_clients.crun.params' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.strip() == "False"
