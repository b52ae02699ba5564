"""The /suno/submit protocol shared by gptge and relay: bodies and a VendorCase builder (string envelope codes)."""

from __future__ import annotations

from types import ModuleType

from .support import KEY, InvalidCall, Json, OperationCase, VendorCase

MUSIC: Json = {"gpt_description_prompt": "A bright song about a rainy weekend", "mv": "chirp-v3-5"}
LYRICS: Json = {"prompt": "a song about rain", "notify_hook": "https://example.com/hook"}
FETCH: Json = {"ids": ["t-1", "t-2"], "action": "MUSIC"}
SUBMITTED: Json = {"code": "success", "message": "", "data": "t-1"}


def task(word: str, *, clips: list[Json] | None = None, reason: str | None = None) -> Json:
    """A fetch_task envelope for task t-1 with the protocol's status word."""
    data: Json = {
        "task_id": "t-1",
        "action": "MUSIC",
        "status": word,
        "fail_reason": reason or "",
        "progress": "50%",
        "submit_time": 1726911801,
        "data": clips,
    }
    return {"code": "success", "message": "", "data": data}


def clip(clip_id: str, audio_url: str) -> Json:
    """A finished clip (status complete, duration under metadata)."""
    return {
        "id": clip_id,
        "status": "complete",
        "audio_url": audio_url,
        "title": "Rain",
        "image_url": f"https://cdn1.suno.ai/{clip_id}.jpeg",
        "metadata": {"duration": 128.92},
    }


def submit_case(vendor: str, module: ModuleType, base: str, *, base_url: str | None = None) -> VendorCase:
    """The VendorCase of a /suno/submit gateway at `base`."""
    return VendorCase(
        vendor=vendor,
        module=module,
        auth_header="authorization",
        auth_value=f"Bearer {KEY}",
        operations=(
            OperationCase("submit_music", "POST", f"{base}/suno/submit/music", MUSIC, MUSIC, SUBMITTED, True),
            OperationCase("submit_lyrics", "POST", f"{base}/suno/submit/lyrics", LYRICS, LYRICS, SUBMITTED, True),
            OperationCase("fetch_task", "GET", f"{base}/suno/fetch/t-1", {"task_id": "t-1"}, None, task("QUEUED")),
            OperationCase(
                "fetch_tasks",
                "POST",
                f"{base}/suno/fetch",
                FETCH,
                FETCH,
                {"code": "success", "message": "", "data": [task("QUEUED")["data"]]},
            ),
        ),
        invalid_calls=(
            InvalidCall("custom-mode-without-title-and-tags", "submit_music", {"prompt": "la la", "mv": "chirp-v3-5"}),
            InvalidCall("unknown-model-version", "submit_music", {**MUSIC, "mv": "chirp-v9"}),
            InvalidCall("unknown-field", "submit_music", {**MUSIC, "make_instrumentl": True}),
            InvalidCall("empty-lyrics-prompt", "submit_lyrics", {"prompt": ""}),
            InvalidCall("fetch-ids-not-a-list", "fetch_tasks", {"ids": "t-1"}),
            InvalidCall("empty-task-id", "fetch_task", {"task_id": ""}),
        ),
        create="submit_music",
        query="fetch_task",
        poll_url=f"{base}/suno/fetch/t-1",
        created=SUBMITTED,
        task=task,
        clip=clip,
        ok_code="success",
        error_body=lambda status, message: {"code": "error", "message": message, "data": None},
        base_url=base_url,
    )
