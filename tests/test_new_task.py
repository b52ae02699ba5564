"""NewTask, what a create returns: the task id where the spec says, and the envelope's data as its model types it."""

from __future__ import annotations

from typing import ClassVar

import httpx
import pytest
import respx
from pydantic import BaseModel, ConfigDict, Field

from sunogen.runtime.async_client import AsyncAPIClient
from sunogen.runtime.exceptions import ResponseValidationError
from sunogen.runtime.spec_data import Auth, Envelope, Operation, TaskRef, Vendor
from sunogen.runtime.sync_client import SyncAPIClient
from sunogen.runtime.tasks import NewTask

KEY = "sk-test-0123456789abcdef"


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Created(Open):
    task_id: str


class AliasedBody(Open):
    code: int
    task_data: Created | None = Field(default=None, alias="taskData")


class PlainBody(Open):
    code: int


def _vendor(data: str | None, ids: tuple[tuple[str, ...], ...]) -> Vendor:
    return Vendor(
        id="newtask",
        title="NewTask gateway",
        base_url="https://api.newtask.test",
        env_key="SUNOGEN_NEWTASK_API_KEY",
        auth=Auth(kind="header", header="x-api-key"),
        envelope=Envelope(code="code", success=(200,), message=None, data=data),
        operations=(Operation(id="create", method="POST", path="/create", creates_task=True, has_body=True),),
        tasks=(("create", TaskRef(id=ids, poll="create")),),
    )


def _sync(vendor: Vendor) -> SyncAPIClient:
    class Client(SyncAPIClient):
        vendor: ClassVar[Vendor]

    Client.vendor = vendor
    return Client(api_key=KEY)


def _async(vendor: Vendor) -> AsyncAPIClient:
    class Client(AsyncAPIClient):
        vendor: ClassVar[Vendor]

    Client.vendor = vendor
    return Client(api_key=KEY)


def test_the_data_is_read_from_the_field_whose_alias_the_envelope_names() -> None:
    vendor = _vendor("taskData", (("taskData", "task_id"),))
    with respx.mock(base_url="https://api.newtask.test") as router:
        router.post("/create").mock(httpx.Response(200, json={"code": 200, "taskData": {"task_id": "t-1"}}))
        with _sync(vendor) as client:
            task = client._create("create", body={}, response_model=AliasedBody)
    assert task == NewTask("t-1", Created(task_id="t-1"))


def test_a_gateway_without_envelope_data_gives_the_whole_body_as_the_data() -> None:
    vendor = _vendor(None, (("task_id",),))
    with respx.mock(base_url="https://api.newtask.test") as router:
        router.post("/create").mock(httpx.Response(200, json={"code": 200, "task_id": "t-2"}))
        with _sync(vendor) as client:
            task = client._create("create", body={}, response_model=PlainBody)
    assert task.task_id == "t-2"
    assert isinstance(task.data, PlainBody)
    assert task.data.model_extra == {"task_id": "t-2"}


async def test_data_the_model_does_not_declare_is_still_the_data_and_an_id_at_the_top_level_is_found() -> None:
    vendor = _vendor("data", (("data", "task_id"), ("task_id",)))
    with respx.mock(base_url="https://api.newtask.test") as router:
        router.post("/create").mock(httpx.Response(200, json={"code": 200, "data": None, "task_id": 7}))
        async with _async(vendor) as client:
            task = await client._create("create", body={}, response_model=PlainBody)
    assert task == NewTask("7", None)


def test_a_create_whose_body_has_no_task_id_raises_response_validation_error_with_the_body() -> None:
    vendor = _vendor("data", (("data", "task_id"),))
    with respx.mock(base_url="https://api.newtask.test") as router:
        router.post("/create").mock(httpx.Response(200, json={"code": 200, "data": {}}))
        with _sync(vendor) as client, pytest.raises(ResponseValidationError, match="no task id") as caught:
            client._create("create", body={}, response_model=PlainBody)
    assert caught.value.body == '{"code":200,"data":{}}'
