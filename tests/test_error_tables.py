"""Error tables: a gateway's codes mean what its spec says, whatever HTTP would make of the same numbers.

The fixture gateway (tests/fixture_specs/quota.yaml) answers {"code": 429} for "insufficient credits" and 405/430
for its rate limits, all with HTTP 200, as the sunoapi.org family does.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx

from tests.runtime.support import FakeClock

from .fixture_package import generated_package

KEY = "sk-quota-0123456789abcdef"
GENERATE = "https://quota.invalid/api/v1/generate"
RECORD = "https://quota.invalid/api/v1/generate/record-info?taskId=t-1"
CREATED = {"code": 200, "msg": "success", "data": {"taskId": "t-1"}}
DONE = {
    "code": 200,
    "msg": "success",
    "data": {
        "status": "SUCCESS",
        "response": {"sunoData": [{"id": "c1", "audioUrl": "https://cdn.quota.invalid/c1.mp3"}]},
    },
}


@pytest.fixture(scope="module")
def quota(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("quota"), "quota") as package:
        yield package.vendor_module("quota")


@pytest.fixture(params=["sync", "async"])
async def client(request: pytest.FixtureRequest, quota: ModuleType) -> AsyncIterator[Any]:
    cls = quota.Client if request.param == "sync" else quota.AsyncClient
    made = cls(api_key=KEY, clock=FakeClock(), max_retries=2)
    yield made
    await run(made.close())


async def run(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


def envelope(code: int, msg: str) -> httpx.Response:
    return httpx.Response(200, json={"code": code, "msg": msg, "data": None})


async def test_code_429_meaning_insufficient_credits_raises_payment_required_and_the_create_is_sent_once(
    quota: ModuleType, client: Any
) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        route = router.post(GENERATE).mock(envelope(429, "The balance is not enough to run this task"))
        with pytest.raises(quota.PaymentRequiredError) as caught:
            await run(client.generate(prompt="a calm piano piece"))
    assert route.call_count == 1
    assert (caught.value.kind, caught.value.code, caught.value.http_status) == ("insufficient-credits", 429, 200)
    assert not isinstance(caught.value, quota.RateLimitError)


@pytest.mark.parametrize("code", [405, 430])
async def test_codes_405_and_430_are_rate_limits_retried_on_a_query(quota: ModuleType, client: Any, code: int) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        route = router.get(RECORD).mock(side_effect=[envelope(code, "slow down"), httpx.Response(200, json=DONE)])
        await run(client.record_info(task_id="t-1"))
    assert route.call_count == 2


@pytest.mark.parametrize("code", [405, 430])
async def test_codes_405_and_430_raise_rate_limit_error_once_the_retries_are_spent(
    quota: ModuleType, client: Any, code: int
) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        route = router.get(RECORD).mock(envelope(code, "slow down"))
        with pytest.raises(quota.RateLimitError) as caught:
            await run(client.record_info(task_id="t-1"))
    assert route.call_count == 3
    assert caught.value.status_code == code


async def test_create_and_wait_pays_once_and_reports_the_lack_of_credits(quota: ModuleType, client: Any) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        route = router.post(GENERATE).mock(envelope(429, "insufficient credits"))
        with pytest.raises(quota.PaymentRequiredError):
            await run(client.create_and_wait(prompt="a calm piano piece"))
    assert route.call_count == 1


async def test_wait_rides_out_the_gateways_own_rate_limit_codes(quota: ModuleType, client: Any) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        limited = [envelope(430, "too often")] * 5
        route = router.get(RECORD).mock(side_effect=[*limited, httpx.Response(200, json=DONE)])
        result = await run(client.wait("t-1"))
    assert route.call_count == 6
    assert result.audio_urls == ("https://cdn.quota.invalid/c1.mp3",)


async def test_an_entry_may_forbid_the_retry_its_kind_would_allow(quota: ModuleType, client: Any) -> None:
    # 455 is maintenance, which a query retries by default; this spec says `retry: []`.
    with respx.mock(assert_all_mocked=True) as router:
        route = router.get(RECORD).mock(envelope(455, "maintenance"))
        with pytest.raises(quota.ServiceUnavailableError) as caught:
            await run(client.wait("t-1"))
    assert route.call_count == 1
    assert caught.value.retryable is False


async def test_what_the_table_does_not_list_means_what_http_says(quota: ModuleType, client: Any) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        router.post(GENERATE).mock(httpx.Response(429, text="<html>Too Many Requests</html>"))
        with pytest.raises(quota.RateLimitError) as caught:
            await run(client.generate(prompt="a calm piano piece"))
    assert caught.value.kind == "rate-limit"
