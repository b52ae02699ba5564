"""The emulator answers what a gateway answers: its 401 for a missing or wrong key, its bad-request answer for a body
the generated validators reject, its not-found for an unknown task, each read by the client as the right error."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

import suno_clients
from suno_clients._runtime import exceptions as errors
from suno_clients._runtime.errors import match_error
from suno_clients._runtime.spec_data import ErrorRule
from sunogen.serve.instances import Shapes

from .harness import Create, Running, auth_headers, client_kwargs, create_raw, creates, vendor_ir, vendors

Serve = Callable[[str], Running]
FIRST_CREATES = [creates(vendor)[0] for vendor in vendors()]
IDS = [create.vendor for create in FIRST_CREATES]
BODIED = [(vendor, op.id) for vendor in vendors() for op in vendor_ir(vendor).operations if op.request is not None]


def _kind(vendor: str, operation: str, response: httpx.Response) -> str | None:
    """The error kind the client's own table reads from an answer."""
    ir_vendor = vendor_ir(vendor)
    op = next(o for o in ir_vendor.operations if o.id == operation)
    rules = [ErrorRule(r.kind, r.status, r.code, r.message, r.retry_query, r.retry_create) for r in op.errors]
    rules += [ErrorRule(r.kind, r.status, r.code, r.message, r.retry_query, r.retry_create) for r in ir_vendor.errors]
    body = response.json()
    envelope = ir_vendor.envelope
    code = body.get(envelope.code) if envelope.code else None
    message = body.get(envelope.message) if envelope.message else None
    rule = match_error(rules, status=response.status_code, code=code, message=message)
    return None if rule is None else rule.kind


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_wrong_key_is_an_authentication_error(create: Create, serve: Serve) -> None:
    module = suno_clients.vendor_module(create.vendor)
    kwargs = client_kwargs(serve(create.vendor), api_key="sk-not-the-right-one")
    with module.Client(**kwargs) as client, pytest.raises(errors.AuthenticationError) as caught:
        getattr(client, create.operation.id)(**create.payload)
    assert "sk-not-the-right-one" not in str(caught.value)


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_missing_key_is_answered_as_the_gateway_answers_it(create: Create, serve: Serve) -> None:
    response = httpx.post(serve(create.vendor).url + create.operation.path, json=create.payload)
    assert response.status_code >= 400
    assert _kind(create.vendor, create.operation.id, response) == "authentication"


@pytest.mark.parametrize(("vendor", "operation"), BODIED)
@pytest.mark.parametrize(
    "content", [b"[]", b'{"unknown": true', b"\xff"], ids=["not-an-object", "not-json", "not-utf8"]
)
def test_a_body_the_validators_reject_gets_the_gateways_bad_request_answer(
    vendor: str, operation: str, content: bytes, serve: Serve
) -> None:
    op = next(o for o in vendor_ir(vendor).operations if o.id == operation)
    headers = {**auth_headers(vendor), "Content-Type": "application/json"}
    response = httpx.request(op.method, serve(vendor).url + op.path, content=content, headers=headers)
    assert str(response.status_code) in {r.status for r in op.responses}, response.text
    assert _kind(vendor, operation, response) in ("bad-request", "unprocessable")


@pytest.mark.parametrize("vendor", vendors())
def test_the_bad_request_answer_names_each_violation_as_the_validator_words_it(vendor: str, serve: Serve) -> None:
    create = creates(vendor)[0]
    violations = suno_clients.validate(vendor, create.operation.id, [])
    headers = auth_headers(vendor)
    response = httpx.post(serve(vendor).url + create.operation.path, json=[], headers=headers)
    message = response.json()[vendor_ir(vendor).envelope.message or ""]
    assert all(str(v) in message for v in violations if v.severity == "error")


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_an_unknown_task_is_a_not_found_error(create: Create, serve: Serve) -> None:
    module = suno_clients.vendor_module(create.vendor)
    query = next(op for op in vendor_ir(create.vendor).operations if op.id == create.operation.task.poll)  # type: ignore[union-attr]
    param = next(p.python_name for p in query.params if p.required)
    with module.Client(**client_kwargs(serve(create.vendor))) as client, pytest.raises(errors.NotFoundError):
        getattr(client, query.id)(**{param: "no-such-task"})


@pytest.mark.parametrize("create", FIRST_CREATES, ids=IDS)
def test_a_task_is_found_by_the_query_the_spec_names_with_its_id_where_the_body_names_it(
    create: Create, serve: Serve
) -> None:
    running = serve(create.vendor)
    task_id = create_raw(running, create)
    query = next(op for op in vendor_ir(create.vendor).operations if op.id == create.operation.task.poll)  # type: ignore[union-attr]
    param = next(p for p in query.params if p.required)
    url = running.url + query.path.replace("{" + param.name + "}", task_id)
    params = {param.name: task_id} if param.location == "query" else None
    response = httpx.get(url, params=params, headers=auth_headers(create.vendor))
    assert response.status_code == 200
    assert query.poll is not None
    if query.poll.task_id:
        node = response.json()
        for segment in query.poll.task_id[0]:
            node = node[segment]
        assert node == task_id


OTHERS = [(v, op.id) for v in vendors() for op in vendor_ir(v).operations if not op.creates_task and op.poll is None]


@pytest.mark.parametrize(("vendor", "operation"), OTHERS)
def test_an_operation_that_neither_creates_nor_polls_gives_its_documented_answer(
    vendor: str, operation: str, serve: Serve
) -> None:
    shapes = Shapes({c.name: c.schema for c in vendor_ir(vendor).components})
    op = next(o for o in vendor_ir(vendor).operations if o.id == operation)
    payload = shapes.minimal(shapes.component(op.request)) if op.request else None
    if op.request:
        assert not suno_clients.errors_only(suno_clients.validate(vendor, op.id, payload)), payload
    response = httpx.request(op.method, serve(vendor).url + op.path, json=payload, headers=auth_headers(vendor))
    assert response.status_code == int(next(r.status for r in op.responses if r.status.startswith("2")))
    envelope = vendor_ir(vendor).envelope
    if envelope.code:
        assert response.json()[envelope.code] in envelope.success
