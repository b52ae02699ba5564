"""relay conformance: suno_clients.relay against specs/relay.yaml (no default base_url; Bearer; string codes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
import respx

import suno_clients.relay as relay

from .submit_protocol import MUSIC, submit_case
from .support import KEY, ConformanceSuite, VendorCase, call, reply

BASE = "https://relay.example.com"
CASE = submit_case("relay", relay, BASE, base_url=BASE)


class TestRelayConformance(ConformanceSuite):
    """The shared suite, plus relay's required base_url and its failReason spelling."""

    case: ClassVar[VendorCase] = CASE

    @pytest.mark.parametrize("base_url", [None, ""])
    async def test_a_client_without_base_url_raises_a_clear_configuration_error(
        self, base_url: str | None, make: Callable[..., Any]
    ) -> None:
        with pytest.raises(relay.ConfigurationError, match="base_url") as caught:
            make(base_url=base_url)
        assert KEY not in str(caught.value)

    async def test_a_base_url_with_a_path_prefix_and_trailing_slash_is_joined_cleanly(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        route = router.post(f"{BASE}/v1/suno/submit/music").mock(
            reply(200, {"code": "success", "message": "", "data": "t-1"})
        )
        await call(make(base_url=f"{BASE}/v1/"), "submit_music", **MUSIC)
        assert route.call_count == 1

    async def test_an_http_200_whose_code_is_not_success_raises_an_api_status_error(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        router.post(f"{BASE}/suno/submit/music").mock(
            reply(200, {"code": "error", "message": "no quota", "data": None})
        )
        with pytest.raises(relay.APIStatusError) as caught:
            await call(make(), "submit_music", **MUSIC)
        assert caught.value.code == "error"

    async def test_wait_reads_the_camel_case_fail_reason(
        self, make: Callable[..., Any], router: respx.MockRouter
    ) -> None:
        body = {
            "code": "success",
            "message": "",
            "data": {"task_id": "t-1", "status": "FAILURE", "failReason": "banned"},
        }
        router.get(CASE.poll_url).mock(reply(200, body))
        with pytest.raises(relay.TaskFailedError) as caught:
            await call(make(), "wait", "t-1", timeout=60, poll_interval=5)
        assert caught.value.reason == "banned"
