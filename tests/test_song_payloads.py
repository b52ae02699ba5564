"""The same neutral songs through every spec's mapping: exact vendor payloads, offline and over the wire (respx).

Each spec has a table, tests/song_cases/<vendor>.yaml: for each song of songs.yaml, the exact body its gateway is
sent (and the warnings its validator gives on it) or the Song fields it cannot honour; for each documented response
of its poll operation, the neutral result. Nothing here names a vendor: a new spec fails until it brings its table.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

import suno_clients
from suno_clients import SongClient, TaskProgress, TaskResult, UnsupportedSongError, connect, connect_async
from tests.conformance.spec_gateway import TASK, gateway
from tests.runtime.support import FakeClock

from .song_support import (
    call,
    clip_view,
    expand,
    first_present,
    operations,
    poll_operation,
    song,
    songs,
    success_examples,
    table,
)
from .spec_files import VENDORS

KEY = "sk-song-0123456789abcdef-TOPSECRET"
MP3 = "https://cdn1.suno.ai/{}.mp3"
CASES = [(vendor, name) for vendor in VENDORS for name in songs()]
DOCUMENTED = [(vendor, name) for vendor in VENDORS for name in success_examples(vendor, poll_operation(vendor))]


def expected(vendor: str, name: str) -> dict[str, Any]:
    payloads = table(vendor).get("payloads", {})
    if name not in payloads:
        pytest.fail(f"tests/song_cases/{vendor}.yaml has no payload for song {name!r}: add its body or `unsupported`")
    found: dict[str, Any] = expand(payloads[name])
    return found


def exact(value: Any) -> str:
    """A JSON value as text, keys sorted: equal only when the JSON is (true is not 1, "1" is not 1)."""
    return json.dumps(value, sort_keys=True)


@pytest.fixture(params=["sync", "async"])
async def connected(request: pytest.FixtureRequest) -> AsyncIterator[Callable[[str], Any]]:
    """A factory of SongClients (sync or async) on a fake clock, closed afterwards."""
    made: list[Any] = []

    def factory(vendor: str) -> Any:
        make = connect if request.param == "sync" else connect_async
        client = make(vendor, api_key=KEY, base_url=gateway(vendor).base_url, clock=FakeClock())
        made.append(client)
        return client

    yield factory
    for client in made:
        await call(client, "close")


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_spec_has_a_table_naming_every_song_and_every_documented_poll_response(vendor: str) -> None:
    cases = table(vendor)
    assert sorted(set(songs()) - set(cases.get("payloads", {}))) == [], "songs without a payload"
    assert sorted(set(cases.get("payloads", {})) - set(songs())) == [], "payloads of no song of songs.yaml"
    documented = set(success_examples(vendor, poll_operation(vendor)))
    assert sorted(documented ^ set(cases.get("responses", {}))) == [], "documented responses and the table differ"


@pytest.mark.parametrize(("vendor", "name"), CASES, ids=[f"{v}-{n}" for v, n in CASES])
def test_each_song_becomes_exactly_its_tables_body_or_is_refused_naming_exactly_its_fields(
    vendor: str, name: str
) -> None:
    case = expected(vendor, name)
    if "unsupported" in case:
        with pytest.raises(UnsupportedSongError) as caught:
            song(name).to_request(vendor)
        assert caught.value.vendor == vendor
        assert sorted(map(str, caught.value.fields)) == sorted(case["unsupported"])
        assert all(problem.reason for problem in caught.value.problems)
        return
    request = song(name).to_request(vendor)
    assert (request.vendor, exact(request.body)) == (vendor, exact(case["body"]))
    assert sorted(str(w.rule) for w in request.warnings) == sorted(case.get("warnings", []))
    assert suno_clients.errors_only(suno_clients.validate(vendor, request.operation, request.body)) == []


@pytest.mark.parametrize(("vendor", "name"), CASES, ids=[f"{v}-{n}" for v, n in CASES])
async def test_generate_sends_exactly_that_body_once_and_nothing_for_a_song_the_gateway_refuses(
    vendor: str, name: str, connected: Callable[[str], Any]
) -> None:
    case = expected(vendor, name)
    client = connected(vendor)
    operation = _create(vendor)
    created_body = next(iter(success_examples(vendor, operation).values()))
    with respx.mock(assert_all_called=False) as router:
        route = router.route(method="POST", url=gateway(vendor).url(operation))
        route.mock(httpx.Response(200, json=created_body))
        if "unsupported" in case:
            with pytest.raises(UnsupportedSongError):
                await call(client, "generate", song(name))
            assert route.call_count == 0
            return
        task = await call(client, "generate", song(name))
    assert route.call_count == 1
    assert exact(json.loads(route.calls[0].request.content)) == exact(case["body"])
    task_paths = operations(vendor)[operation]["x-sunogen-task"]["id"]
    assert (task.vendor, task.id) == (vendor, str(first_present(created_body, task_paths)))


def _create(vendor: str) -> str:
    from suno_clients._runtime.song import song_mapping

    mapping = song_mapping(vendor)
    assert mapping is not None, f"specs/{vendor}.yaml has no x-sunogen-song"
    return mapping.operation


@pytest.mark.parametrize(("vendor", "example"), DOCUMENTED, ids=[f"{v}-{e}" for v, e in DOCUMENTED])
async def test_each_documented_poll_response_reads_as_the_neutral_result_its_table_lists(
    vendor: str, example: str, connected: Callable[[str], Any]
) -> None:
    case = table(vendor).get("responses", {}).get(example)
    assert case is not None, f"tests/song_cases/{vendor}.yaml has no neutral result for the documented {example!r}"
    site = gateway(vendor)
    query = poll_operation(vendor)
    body = success_examples(vendor, query)[example]
    # the documented body first; then, if it is not the end, a finished task, so the wait ends
    done = site.poll_body("success", [site.clip("c-done", MP3.format("c-done"), site.clip_word("success"))])
    seen: list[TaskProgress[Any]] = []
    with respx.mock(assert_all_called=False) as router:
        router.route(method="GET", url=site.url(query)).mock(
            side_effect=[httpx.Response(200, json=body), httpx.Response(200, json=done)]
        )
        result = await call(connected(vendor), "wait", TASK, on_progress=seen.append)
    assert isinstance(result, TaskResult)
    first: TaskResult[Any] | TaskProgress[Any] = seen[0] if seen else result
    stage = first.stage if isinstance(first, TaskProgress) else "success"
    assert (first.vendor, first.task_id) == (vendor, TASK)
    assert {"stage": stage, "status": first.status, "clips": [clip_view(c) for c in first.clips]} == {
        "stage": case["stage"],
        "status": case["status"],
        "clips": case["clips"],
    }


@pytest.mark.parametrize("vendor", VENDORS)
async def test_generate_and_wait_returns_the_neutral_result_with_the_tasks_vendor_id_and_clips(
    vendor: str, connected: Callable[[str], Any]
) -> None:
    name = next((n for n in songs() if "body" in expected(vendor, n)), None)
    assert name is not None, f"no song of songs.yaml is accepted by {vendor}"
    site = gateway(vendor)
    operation = _create(vendor)
    created_body = next(iter(success_examples(vendor, operation).values()))
    task_id = str(first_present(created_body, operations(vendor)[operation]["x-sunogen-task"]["id"]))
    clips = [site.clip(clip, MP3.format(clip), site.clip_word("success")) for clip in ("c-1", "c-2")]
    poll_url = site.url(poll_operation(vendor)).replace(TASK, task_id)
    with respx.mock() as router:
        router.route(method="POST", url=site.url(operation)).mock(httpx.Response(200, json=created_body))
        router.route(method="GET", url=poll_url).mock(httpx.Response(200, json=site.poll_body("success", clips)))
        result = await call(connected(vendor), "generate_and_wait", song(name))
    assert (result.vendor, result.task_id) == (vendor, task_id)
    assert [(c.id, c.audio_url) for c in result.clips] == [("c-1", MP3.format("c-1")), ("c-2", MP3.format("c-2"))]


@pytest.mark.parametrize("vendor", VENDORS)
async def test_a_create_that_fails_on_the_server_is_sent_once_and_the_error_says_so(
    vendor: str, connected: Callable[[str], Any]
) -> None:
    name = next(n for n in songs() if "body" in expected(vendor, n))
    operation = _create(vendor)
    with respx.mock() as router:
        route = router.route(method="POST", url=gateway(vendor).url(operation))
        route.mock(httpx.Response(500, json={}))
        with pytest.raises(suno_clients.vendor_module(vendor).InternalServerError):
            await call(connected(vendor), "generate", song(name))
    assert route.call_count == 1, "a create costs credits: it is never sent again after a server error"


def test_a_song_client_repr_shows_neither_its_key_nor_its_headers() -> None:
    with connect(VENDORS[0], api_key=KEY, base_url=gateway(VENDORS[0]).base_url) as client:
        assert isinstance(client, SongClient)
        assert KEY not in repr(client)
        assert KEY not in repr(vars(client))
