"""Schemathesis, run from each spec against the running emulator, finds no answer that breaks the spec.

Each operation of each spec is called with requests schemathesis generates from it (valid ones, and invalid ones
that must be rejected), and every answer is checked by schemathesis's own checks: no server error, a documented
status, content type, headers, and a body that validates against the documented schema. A request that breaks only
a warning rule (the document's advice) is valid here, as it is to the gateway. Few examples by default;
HYPOTHESIS_PROFILE=ci runs many more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from sunogen.serve.answers import Answers
from sunogen.serve.instances import Shapes
from sunogen.serve.spec import Served, load_served
from tests.spec_files import spec_document

from .harness import SPECS, Running, auth_headers, vendor_ir, vendors

schemathesis = pytest.importorskip("schemathesis")

Serve = Callable[[str], Running]
EXAMPLES = 60 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 8
OPERATIONS = [(vendor, op.id) for vendor in vendors() for op in vendor_ir(vendor).operations]


# schemathesis's default for "a valid request is accepted", to which a poll adds the gateway's own not-found.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]


@cache  # each operation is run twice (positive, negative); reading a spec is not what this file tests
def _operation(vendor: str, operation_id: str) -> Any:
    """The operation, with the statuses a schema-valid request may get: schemathesis's, and for a poll the status
    the gateway answers an unknown task with (api.gpt.ge's 400 task_not_exist), which a drawn id always is."""
    accepted = list(ACCEPTED)
    served = _served(vendor)
    op = served.operation(operation_id)
    if op.poll is not None:
        answer = Answers(served.vendor, Shapes(served.components)).choose(op, ("not-found",))
        assert str(answer.status) in {r.status for r in op.responses}, "an undocumented not-found status"
        accepted.append(str(answer.status))
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": accepted}}}
    )
    schema = schemathesis.openapi.from_dict(_without_warnings(vendor), config=config)
    return schema.find_operation_by_id(operation_id)


@cache
def _served(vendor: str) -> Served:
    return load_served(SPECS, vendor)


def _without_warnings(vendor: str) -> dict[str, Any]:
    """The spec without its warning rules: the document's advice, which the gateway (and so the emulator) accepts.
    Left in, schemathesis would count a request that only breaks advice as invalid data the server must refuse."""
    document = spec_document(vendor)
    for schema in document.get("components", {}).get("schemas", {}).values():
        if isinstance(schema, dict) and "allOf" in schema:
            schema["allOf"] = [rule for rule in schema["allOf"] if rule.get("x-sunogen-severity") != "warning"]
    return document


@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize(("vendor", "operation_id"), OPERATIONS, ids=[f"{v}-{o}" for v, o in OPERATIONS])
def test_no_answer_breaks_the_spec(vendor: str, operation_id: str, mode: str, serve: Serve) -> None:
    running = serve(vendor)
    operation = _operation(vendor, operation_id)
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(base_url=running.url, headers=auth_headers(vendor))
        case.validate_response(response)

    check()
