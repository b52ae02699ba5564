"""Parametrises the shared conformance suite from each test class's VendorCase and its spec."""

from __future__ import annotations

import pytest

from .support import VendorCase


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Fill `operation`, `request_example`, `response_example`, `error_status` and `malformed` from the case."""
    case = getattr(metafunc.cls, "case", None)
    if not isinstance(case, VendorCase):
        return
    if "operation" in metafunc.fixturenames:
        metafunc.parametrize("operation", case.operations, ids=[op.id for op in case.operations])
    if "request_example" in metafunc.fixturenames:
        examples = case.request_examples()
        metafunc.parametrize("request_example", examples, ids=[f"{e.operation}-{e.name}" for e in examples])
    if "response_example" in metafunc.fixturenames:
        examples = case.response_examples()
        metafunc.parametrize("response_example", examples, ids=[f"{e.operation}-{e.name}" for e in examples])
    if "error_status" in metafunc.fixturenames:
        statuses = case.error_statuses()
        metafunc.parametrize("error_status", statuses, ids=[f"{op}-{status}" for op, status in statuses])
    if "malformed" in metafunc.fixturenames:
        bodies = case.malformed_bodies()
        metafunc.parametrize("malformed", bodies, ids=[name for name, _ in bodies])
    if "invalid_call" in metafunc.fixturenames:
        metafunc.parametrize("invalid_call", case.invalid_calls, ids=[call.name for call in case.invalid_calls])
