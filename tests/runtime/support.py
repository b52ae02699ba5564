"""Test support: fake vendors shaped like the real gateways, small response models, a manual clock."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict

from sunogen.runtime.async_client import AsyncAPIClient
from sunogen.runtime.spec_data import (
    Auth,
    Callback,
    Clips,
    Envelope,
    ErrorRule,
    Operation,
    Param,
    Poll,
    Signature,
    TaskRef,
    UrlPattern,
    Vendor,
)
from sunogen.runtime.sync_client import SyncAPIClient

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

# What the specs say of Suno's clips: a live stream from audiopipe while rendering, None.mp3 once failed.
STREAMS = (UrlPattern(r"^https?://audiopipe\.", "https://audiopipe.suno.ai/?item_id=c1"),)
PLACEHOLDERS = (UrlPattern(r"/(none|null|undefined)\.mp3([?#]|$)", "https://cdn1.suno.ai/None.mp3"),)

CLIPS = Clips(
    fields=(
        ("id", (("id",),)),
        ("audio_url", (("audio_url",),)),
        ("image_url", (("image_url",),)),
        ("title", (("title",),)),
        ("duration", (("metadata", "duration"), ("duration",))),
        ("status", (("status",), ("state",))),
        ("tags", (("metadata", "tags"),)),
        ("video_url", (("video_url",),)),
        ("play_count", (("play_count",),)),
    ),
    pending=("submitted", "queued"),
    partial=("streaming",),
    success=("complete", "succeeded"),
    failure=("error", "failed"),
    streams=STREAMS,
    placeholders=PLACEHOLDERS,
)

# crun-like codes in the envelope, whatever the HTTP status.
ACME_ERRORS = (
    ErrorRule("insufficient-credits", code=402),
    ErrorRule("unprocessable", code=422),
    ErrorRule("rate-limit", code=429, retry_query=True, retry_create=True),
    ErrorRule("maintenance", code=455, retry_query=True),
    ErrorRule("generation-failed", code=501),
    ErrorRule("feature-disabled", code=505),
)

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
                pending=("pending",),
                partial=("running",),
                success=("success",),
                failure=("failure", "timeout"),
                reason=(("data", "error"), ("data", "output", "fail_reason")),
                clips=(("data", "output", "result"),),
                type=(("data", "type"),),
                without_clips=("lyrics",),
            ),
        ),
    ),
    errors=ACME_ERRORS,
    clips=CLIPS,
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
                pending=("NOT_START", "SUBMITTED", "QUEUED"),
                partial=("IN_PROGRESS",),
                success=("SUCCESS",),
                failure=("FAILURE",),
                reason=(("data", "fail_reason"),),
                clips=(("data", "data"),),
                type=(("data", "action"),),
                without_clips=("LYRICS",),
            ),
        ),
    ),
    errors=(
        ErrorRule("bad-request", code="invalid_request"),
        ErrorRule("insufficient-credits", code="insufficient_user_quota"),
        ErrorRule("not-found", code="task_not_exist"),
    ),
    clips=CLIPS,
)

# sunoapi-like: Bearer, numeric envelope, no task-level status (clips carry `state`), signed webhooks.
HOOK_READ = Poll(
    status=(),
    pending=(),
    success=(),
    failure=(),
    reason=(("data", "0", "error_message"),),
    clips=(("data",),),
    task_id=(("task_id",), ("data", "0", "task_id")),
)
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
    polls=(("get_task", HOOK_READ),),
    clips=Clips(
        fields=(
            ("id", (("clip_id",),)),
            ("audio_url", (("audio_url",),)),
            ("image_url", (("image_url",),)),
            ("title", (("title",),)),
            ("duration", (("duration",),)),
            ("status", (("state",),)),
            ("stream_url", (("stream_audio_url",),)),
        ),
        pending=("pending",),
        partial=("running", "streaming"),
        success=("succeeded",),
        failure=("failed",),
        streams=STREAMS,
        placeholders=PLACEHOLDERS,
    ),
    callback=Callback(
        signature=Signature(header="X-Signature", algorithm="hmac-sha256", prefixes=("", "sha256=")), read=HOOK_READ
    ),
)

# A gateway whose spec says nothing about its errors: HTTP's meanings decide.
PLAIN = replace(ACME, id="plain", env_key="SUNOGEN_PLAIN_API_KEY", errors=())


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


class PlainClient(SyncAPIClient):
    vendor = PLAIN


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
