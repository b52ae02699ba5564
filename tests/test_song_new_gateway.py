"""A new gateway gets the neutral API by adding its mapping to its spec, and nothing else.

tests/fixture_specs/camel.yaml is such a spec: a gateway the runtime has never seen, with its own mode switch
(customMode), model words (V4_5PLUS), a required callback URL and flag, and limits that differ by model. A package
generated from it takes a Song, sends it, waits for it, and lists it in the capability matrix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import respx

from sunogen.capabilities import built, markdown
from tests.runtime.support import FakeClock

from .fixture_package import FIXTURE_SPECS, generated_package

KEY = "sk-camel-0123456789abcdef"
GENERATE = "https://camel.invalid/api/v1/generate"
RECORD = "https://camel.invalid/api/v1/generate/record-info?taskId=t-9"
HOOK = "https://example.com/hooks/song"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with generated_package(tmp_path_factory.mktemp("camel"), "camel") as generated:
        yield generated


def test_a_song_becomes_the_new_gateways_body_in_its_own_words(package: ModuleType) -> None:
    song = package.Song(
        lyrics="[Verse]\nDesert road",
        style="desert blues",
        title="Dunes",
        model="v4.5+",
        vocal_gender="male",
        instrumental=False,
        callback_url=HOOK,
    )
    request = song.to_request("camel")
    assert (request.operation, request.warnings) == ("generate", ())
    assert request.body == {
        "customMode": True,
        "prompt": "[Verse]\nDesert road",
        "instrumental": False,
        "style": "desert blues",
        "title": "Dunes",
        "model": "V4_5PLUS",
        "vocalGender": "m",
        "callBackUrl": HOOK,
    }


def test_what_the_new_gateway_requires_or_limits_is_refused_naming_the_song_fields(package: ModuleType) -> None:
    bare = package.Song(description="A song about sand")
    with pytest.raises(package.UnsupportedSongError) as caught:
        bare.to_request("camel")
    assert sorted(caught.value.fields) == ["callback_url", "instrumental", "model"]
    assert "camel requires it here, and the song leaves it out" in str(caught.value)
    long_lyrics = package.Song(
        lyrics="x" * 3001, style="blues", title="Long", model="v4", instrumental=False, callback_url=HOOK
    )
    with pytest.raises(package.UnsupportedSongError) as caught:
        long_lyrics.to_request("camel")
    assert caught.value.fields == ("lyrics",)
    assert caught.value.violations[0].rule == "older-models-take-3000-characters-of-lyrics"
    newer = long_lyrics.model_copy(update={"model": "v5"})
    assert newer.to_request("camel").body["model"] == "V5"


def test_connect_sends_the_song_and_waits_for_the_neutral_result_with_its_stream_urls(package: ModuleType) -> None:
    song = package.Song(description="A song about sand", model="v5", instrumental=True, callback_url=HOOK)
    first = {"id": "c1", "audioUrl": "", "streamAudioUrl": "https://stream.camel.invalid/c1", "title": "Sand"}
    done = {**first, "audioUrl": "https://cdn.camel.invalid/c1.mp3", "duration": 120.5}
    seen: list[Any] = []
    with respx.mock() as router:
        create = router.post(GENERATE).mock(
            httpx.Response(200, json={"code": 200, "msg": "success", "data": {"taskId": "t-9"}})
        )
        router.get(RECORD).mock(
            side_effect=[
                httpx.Response(
                    200, json={"code": 200, "data": {"status": "FIRST_SUCCESS", "response": {"sunoData": [first]}}}
                ),
                httpx.Response(
                    200, json={"code": 200, "data": {"status": "SUCCESS", "response": {"sunoData": [done]}}}
                ),
            ]
        )
        with package.connect("camel", api_key=KEY, clock=FakeClock()) as client:
            result = client.generate_and_wait(song, on_progress=seen.append)
    assert json.loads(create.calls[0].request.content) == {
        "customMode": False,
        "prompt": "A song about sand",
        "instrumental": True,
        "model": "V5",
        "callBackUrl": HOOK,
    }
    assert create.calls[0].request.headers["Authorization"] == f"Bearer {KEY}"
    assert [(p.stage, p.clips[0].stream_url) for p in seen] == [("partial", "https://stream.camel.invalid/c1")]
    assert (result.vendor, result.task_id, result.audio_urls) == ("camel", "t-9", ("https://cdn.camel.invalid/c1.mp3",))
    assert (result.clips[0].title, result.clips[0].duration) == ("Sand", 120.5)


def test_the_new_gateway_has_its_column_in_the_capability_matrix() -> None:
    text = markdown(built({"specs/camel.yaml": (FIXTURE_SPECS / "camel.yaml").read_text(encoding="utf-8")}))
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert "v4.5+ → `V4_5PLUS`" in rows["models"]
    assert (
        "custom: lyrics ≤ 3000 (models v3.5, v4), lyrics ≤ 5000 (models v4.5, v4.5-all, v4.5+, v5, v5.5)"
        in rows["length limits"]
    )
    assert "custom: lyrics, instrumental, style, title, model, callback_url" in rows["a song must give"]
    assert rows["lyrics generation"] == "| lyrics generation | `lyrics` |"


def test_a_gateway_whose_spec_maps_no_song_refuses_one_saying_so(tmp_path: Path) -> None:
    with generated_package(tmp_path, "advice") as generated:
        with pytest.raises(generated.UnsupportedSongError, match=r"its spec maps no Song \(no x-sunogen-song\)"):
            generated.Song(description="rain").to_request("advice")
        with pytest.raises(generated.vendor_module("advice").ConfigurationError, match="maps no Song"):
            generated.connect("advice", api_key=KEY)


# tests/fixture_specs/hush.yaml says an instrumental with `set` (lyricsType), not with a flag of its own.
HUSH_GENERATE = "https://hush.invalid/api/v1/generate"


def test_a_new_gateways_set_says_what_an_instrumental_sends_and_refuses_a_value_it_does_not_list(
    tmp_path: Path,
) -> None:
    with generated_package(tmp_path, "hush") as generated:
        instrumental = generated.Song(style="ambient", title="Still", instrumental=True, model="v5")
        assert instrumental.to_request("hush").body == {
            "customMode": True,
            "lyricsType": "instrumental",
            "style": "ambient",
            "title": "Still",
            "model": "V5",
        }
        sung = generated.Song(lyrics="[Verse]\nHush", instrumental=False, model="v4")
        assert sung.to_request("hush").body == {
            "customMode": True,
            "lyrics": "[Verse]\nHush",
            "lyricsType": "user",
            "model": "V4",
        }
        with pytest.raises(generated.UnsupportedSongError) as caught:
            generated.Song(description="a quiet song", instrumental=True, model="v4").to_request("hush")
        assert caught.value.fields == ("instrumental",)
        assert "hush's inspiration mode cannot send instrumental=True (it can send instrumental=False)" in str(
            caught.value
        )
        with respx.mock() as router:
            create = router.post(HUSH_GENERATE).mock(
                httpx.Response(200, json={"code": 200, "msg": "success", "data": {"taskId": "h-1"}})
            )
            with generated.connect("hush", api_key=KEY, clock=FakeClock()) as client:
                task = client.generate(instrumental)
        assert task.id == "h-1"
        assert json.loads(create.calls[0].request.content)["lyricsType"] == "instrumental"


def test_the_new_gateways_set_shows_in_the_capability_matrix() -> None:
    text = markdown(built({"specs/hush.yaml": (FIXTURE_SPECS / "hush.yaml").read_text(encoding="utf-8")}))
    rows = {line.split(" | ")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert rows["instrumental"] == (
        '| instrumental | all modes; inspiration: false → nothing more; custom: true → `lyricsType="instrumental"`, '
        'false → `lyricsType="user"` |'
    )
