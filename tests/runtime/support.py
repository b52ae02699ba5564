"""Test support: fake vendors shaped like the real gateways, small response models, a manual clock."""

from __future__ import annotations

import json
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from sunogen.runtime.client import AsyncAPIClient, SyncAPIClient
from sunogen.runtime.descriptors import Auth, Envelope, Operation, Param, Poll, Signature, TaskRef, Vendor

KEY = "sk-live-0123456789abcdef-TOPSECRET"

# -- models: response models tolerate unknown fields ---------------------------------------------------------------


class Open(BaseModel):
    """Base of the test response models: extra fields allowed, as generated response models do."""

    model_config = ConfigDict(extra="allow")


class Created(Open):
    task_id: str


class CreateResponse(Open):
    code: int
    message: str | None = None
    data: Created | None = None


class TaskInfo(Open):
    task_id: str | None = None
    status: str | None = None
    error: str | None = None
    output: dict[str, Any] | None = None


class TaskResponse(Open):
    code: int
    data: TaskInfo


class Balance(Open):
    available: int
    frozen: int


class BalanceResponse(Open):
    code: int
    data: Balance


class RelayResponse(Open):
    code: str
    message: str = ""
    data: Any = None


class HookClip(Open):
    clip_id: str
    state: str
    audio_url: str | None = None
    duration: float | str | None = None


class HookResponse(Open):
    code: int
    data: list[HookClip]


# -- vendors -------------------------------------------------------------------------------------------------------

_CLIP_FIELDS: dict[str, Any] = {
    "clip_id": (("id",),),
    "clip_audio_url": (("audio_url",),),
    "clip_image_url": (("image_url",),),
    "clip_title": (("title",),),
    "clip_duration": (("metadata", "duration"), ("duration",)),
    "clip_status": (("status",), ("state",)),
    "clip_success": ("complete", "succeeded"),
    "clip_failure": ("error", "failed"),
}

# sunor/crun-like: x-api-key, numeric envelope code, a task status at data.status.
ACME = Vendor(
    id="acme",
    title="Acme gateway",
    base_url="https://api.acme.test",
    env_key="SUNOGEN_ACME_API_KEY",
    auth=Auth(kind="header", header="x-api-key"),
    envelope=Envelope(code="code", success=(200, 202), message="message", data="data"),
    operations=(
        Operation(id="create_task", method="POST", path="/api/v1/task", creates_task=True, has_body=True),
        Operation(
            id="get_task",
            method="GET",
            path="/api/v1/task/{taskId}",
            params=(Param(name="taskId", python_name="task_id", location="path", required=True),),
        ),
        Operation(id="get_balance", method="GET", path="/api/v1/account/balance"),
        Operation(
            id="task_info",
            method="GET",
            path="/api/v1/client/job/TaskInfo",
            params=(
                Param(name="task_id", python_name="task_id", location="query", required=True),
                Param(name="verbose", python_name="verbose", location="query", required=False),
            ),
        ),
    ),
    tasks=(("create_task", TaskRef(id=(("data", "task_id"), ("task_id",)), poll="get_task")),),
    polls=(
        (
            "get_task",
            Poll(
                status=(("data", "status"),),
                pending=("pending", "running"),
                success=("success",),
                failure=("failure", "timeout"),
                reason=(("data", "error"), ("data", "output", "fail_reason")),
                clips=(("data", "output", "result"),),
                **_CLIP_FIELDS,
            ),
        ),
    ),
)

# /suno/submit relay-like: Bearer, string envelope code, no default host, the task id is `data` itself.
RELAY = Vendor(
    id="relayish",
    title="Relay protocol",
    base_url=None,
    env_key="SUNOGEN_RELAYISH_API_KEY",
    auth=Auth(kind="bearer", header="Authorization"),
    envelope=Envelope(code="code", success=("success",), message="message", data="data"),
    operations=(
        Operation(id="submit_music", method="POST", path="/suno/submit/music", creates_task=True, has_body=True),
        Operation(
            id="fetch_task",
            method="GET",
            path="/suno/fetch/{task_id}",
            params=(Param(name="task_id", python_name="task_id", location="path", required=True),),
        ),
    ),
    tasks=(("submit_music", TaskRef(id=(("data",),), poll="fetch_task")),),
    polls=(
        (
            "fetch_task",
            Poll(
                status=(("data", "status"),),
                pending=("NOT_START", "SUBMITTED", "QUEUED", "IN_PROGRESS"),
                success=("SUCCESS",),
                failure=("FAILURE",),
                reason=(("data", "fail_reason"),),
                clips=(("data", "data"),),
                **_CLIP_FIELDS,
            ),
        ),
    ),
)

# sunoapi-like: Bearer, numeric envelope, no task-level status (clips carry `state`), signed webhooks.
HOOK = Vendor(
    id="hooky",
    title="Webhook gateway",
    base_url="https://hooky.test",
    env_key="SUNOGEN_HOOKY_API_KEY",
    auth=Auth(kind="bearer", header="Authorization"),
    envelope=Envelope(code="code", success=(200,), message="message", data="data"),
    operations=(
        Operation(id="create", method="POST", path="/api/v1/suno/create", creates_task=True, has_body=True),
        Operation(
            id="get_task",
            method="GET",
            path="/api/v1/suno/task/{task_id}",
            params=(Param(name="task_id", python_name="task_id", location="path", required=True),),
        ),
    ),
    tasks=(("create", TaskRef(id=(("data", "task_id"), ("task_id",)), poll="get_task")),),
    polls=(
        (
            "get_task",
            Poll(
                status=(),
                pending=(),
                success=(),
                failure=(),
                reason=(("data", "0", "error_message"),),
                clips=(("data",),),
                clip_id=(("clip_id",),),
                clip_audio_url=(("audio_url",),),
                clip_image_url=(("image_url",),),
                clip_title=(("title",),),
                clip_duration=(("duration",),),
                clip_status=(("state",),),
                clip_success=("succeeded",),
                clip_failure=("failed",),
            ),
        ),
    ),
    callback_signature=Signature(header="X-Signature", algorithm="hmac-sha256"),
)


class AcmeClient(SyncAPIClient):
    vendor = ACME


class AsyncAcmeClient(AsyncAPIClient):
    vendor = ACME


class RelayClient(SyncAPIClient):
    vendor = RELAY


class AsyncRelayClient(AsyncAPIClient):
    vendor = RELAY


class HookClient(SyncAPIClient):
    vendor = HOOK


class AsyncHookClient(AsyncAPIClient):
    vendor = HOOK


# -- time ----------------------------------------------------------------------------------------------------------


class FakeClock:
    """A clock that only moves when slept on; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_700_000_000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


# -- bodies --------------------------------------------------------------------------------------------------------

MP3 = "https://cdn1.suno.ai/{}.mp3"
STREAM = "https://audiopipe.suno.ai/?item_id={}"


def acme_task(status: str, *, result: list[dict[str, Any]] | None = None, error: str | None = None) -> dict[str, Any]:
    """A get_task body in the sunor shape."""
    output = None if result is None else {"status": "completed", "result": result}
    return {"code": 200, "data": {"task_id": "t-1", "status": status, "output": output, "error": error}}


def acme_clip(clip_id: str, *, audio_url: str | None = None, duration: object = 128.9) -> dict[str, Any]:
    """A finished sunor clip unless audio_url says otherwise."""
    return {
        "id": clip_id,
        "audio_url": MP3.format(clip_id) if audio_url is None else audio_url,
        "image_url": f"https://cdn2.suno.ai/image_{clip_id}.jpeg",
        "title": "Happy Weekend",
        "metadata": {"duration": duration, "tags": "pop"},
    }


def relay_task(status: str, clips: list[dict[str, Any]], *, fail_reason: str = "") -> dict[str, Any]:
    """A /suno/fetch/{id} body."""
    return {
        "code": "success",
        "message": "",
        "data": {"task_id": "r-1", "action": "MUSIC", "status": status, "fail_reason": fail_reason, "data": clips},
    }


def relay_clip(clip_id: str, status: str, audio_url: str) -> dict[str, Any]:
    """An upstream Suno clip as relays store it."""
    return {"id": clip_id, "status": status, "audio_url": audio_url, "title": "T", "metadata": {"duration": None}}


def json_response(status: int, body: object, **headers: str) -> httpx.Response:
    """An httpx.Response with a JSON body."""
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"content-type": "application/json", **headers}
    )
