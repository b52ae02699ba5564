"""The capability matrix is the specs': docs/capabilities.md is what they produce, and changing a spec changes it.

Each change below is made to a copy of every spec that has what it changes (a model it offers, a mode, a limit, a
voice, a signature), and the matrix is read again: nothing in it is typed by hand.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sunogen import read_specs
from sunogen.capabilities import DOCUMENT, as_json, built, markdown
from sunogen.cli import main

from .conftest import ROOT, SPECS
from .spec_files import VENDORS, built_spec, dump, parse, vendor_ir

Spec = dict[str, Any]
BUILT = tuple(vendor_ir(vendor) for vendor in VENDORS)
LIMITED = [vendor.id for vendor in BUILT if vendor.song_limits]
SIGNED = [vendor.id for vendor in BUILT if vendor.callback is not None and vendor.callback.signature is not None]
VOICELESS = [vendor.id for vendor in BUILT if vendor.song and "vocal_gender" not in dict(vendor.song.values)]


def _matrix(sources: dict[str, str]) -> dict[str, dict[str, str]]:
    """The table of the Markdown matrix: each row's cells by vendor."""
    # each spec built once per text: a test changes one spec, and the others are the ones built before
    lines = markdown(tuple(built_spec(file, text) for file, text in sources.items())).splitlines()
    lines = [line for line in lines if line.startswith("| ")]
    vendors = [cell.strip() for cell in lines[0].strip("|").split("|")][1:]
    rows = {}
    for line in lines[1:]:
        label, *cells = (cell.strip() for cell in line.strip("|").split(" | "))
        rows[label] = dict(zip(vendors, cells, strict=True))
    return rows


def _changed(vendor: str, change: Callable[[Spec], bool]) -> tuple[dict[str, str], bool]:
    """Every spec's text, with `vendor`'s changed as `change` says (False: the spec has nothing to change)."""
    sources = read_specs(SPECS)
    path = next(p for p in sources if Path(p).stem == vendor)
    document = parse(sources[path])
    applies = change(document)
    sources[path] = dump(document)
    return sources, applies


def test_docs_capabilities_md_is_exactly_what_the_specs_produce() -> None:
    written = (ROOT / DOCUMENT).read_text(encoding="utf-8")
    assert written == markdown(built(read_specs(SPECS))), f"{DOCUMENT} is stale: run `make generate`"


def test_the_matrix_has_a_column_per_spec_and_a_cell_in_every_row() -> None:
    rows = _matrix(read_specs(SPECS))
    assert all(sorted(cells) == sorted(VENDORS) for cells in rows.values())
    assert {"inspiration mode", "continuation of a clip", "models", "length limits", "callbacks", "auth"} <= set(rows)


@pytest.mark.parametrize("vendor", VENDORS)
def test_dropping_a_model_from_a_spec_drops_it_from_the_matrix_and_from_what_the_song_may_name(vendor: str) -> None:
    dropped: list[str] = []

    def drop(spec: Spec) -> bool:
        words = spec["x-sunogen-song"]["values"]["model"]
        dropped.append(list(words)[-1])
        del words[dropped[0]]
        return True

    sources, _ = _changed(vendor, drop)
    before, after = _matrix(read_specs(SPECS))["models"][vendor], _matrix(sources)["models"][vendor]
    assert dropped[0] in before
    assert dropped[0] not in after.split(", ")[-1]
    assert after == before.rsplit(", ", 1)[0]


@pytest.mark.parametrize("vendor", VENDORS)
def test_removing_a_mode_from_a_spec_empties_its_row(vendor: str) -> None:
    def remove(spec: Spec) -> bool:
        return spec["x-sunogen-song"]["modes"].pop("inspiration", None) is not None

    sources, applies = _changed(vendor, remove)
    assert applies
    assert _matrix(read_specs(SPECS))["inspiration mode"][vendor] != "—"
    assert _matrix(sources)["inspiration mode"][vendor] == "—"


def test_each_change_below_finds_specs_to_change() -> None:
    # a change that applies to no spec would be tested nowhere
    assert all((LIMITED, SIGNED, VOICELESS))


@pytest.mark.parametrize("vendor", LIMITED)
def test_a_lower_max_length_in_a_spec_is_the_matrixs_limit(vendor: str) -> None:
    limits = next(v for v in BUILT if v.id == vendor).song_limits
    bound = limits[0].max_length

    def lower(node: Any) -> bool:
        """Lower every maxLength of that bound; whether one was found."""
        children = list(node.values()) if isinstance(node, dict) else node if isinstance(node, list) else []
        found = [lower(child) for child in children]  # every child, not only up to the first found
        if isinstance(node, dict) and node.get("maxLength") == bound:
            node["maxLength"] = bound - 7
            found.append(True)
        return any(found)

    sources, applies = _changed(vendor, lower)
    assert applies
    assert f"≤ {bound - 7}" in _matrix(sources)["length limits"][vendor]
    assert f"≤ {bound - 7}" not in _matrix(read_specs(SPECS))["length limits"][vendor]


@pytest.mark.parametrize("vendor", VOICELESS)
def test_placing_the_voice_in_a_spec_that_lacks_it_gives_it_a_vocal_gender_cell(vendor: str) -> None:
    def place(spec: Spec) -> bool:
        song = spec["x-sunogen-song"]
        # the voice takes the title's place: a free-text field whatever the gateway calls it
        custom = song["modes"]["custom"]["fields"]
        custom["vocal_gender"] = custom.pop("title")
        song.setdefault("values", {})["vocal_gender"] = {"female": "her", "male": "him"}
        return True

    sources, _ = _changed(vendor, place)
    assert _matrix(read_specs(SPECS))["vocal gender"][vendor] == "—"
    assert _matrix(sources)["vocal gender"][vendor] == "custom: female → `her`, male → `him`"


@pytest.mark.parametrize("vendor", SIGNED)
def test_a_changed_signature_header_in_a_spec_is_the_matrixs(vendor: str) -> None:
    def rename(spec: Spec) -> bool:
        spec["x-sunogen-callback"]["signature"]["header"] = "X-Renamed-Signature"
        return True

    sources, _ = _changed(vendor, rename)
    assert "X-Renamed-Signature" not in _matrix(read_specs(SPECS))["callbacks"][vendor]
    assert "X-Renamed-Signature" in _matrix(sources)["callbacks"][vendor]


def test_the_json_matrix_holds_the_values_each_generated_mapping_sends() -> None:
    facts = as_json(BUILT)
    assert sorted(facts) == sorted(VENDORS)
    for vendor in VENDORS:
        mapping = importlib.import_module(f"suno_clients.{vendor}._song").SONG
        assert facts[vendor]["song"]["operation"] == mapping.operation
        assert facts[vendor]["song"]["values"] == {field: dict(pairs) for field, pairs in mapping.values}


def test_sunogen_capabilities_prints_the_markdown_or_the_json_and_writes_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["capabilities", "--specs", str(SPECS)]) == 0
    assert capsys.readouterr().out == markdown(built(read_specs(SPECS)))
    assert main(["capabilities", "--specs", str(SPECS), "--json"]) == 0
    assert sorted(json.loads(capsys.readouterr().out)) == sorted(VENDORS)
    out = tmp_path / "docs" / "capabilities.md"
    assert main(["capabilities", "--specs", str(SPECS), "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (ROOT / DOCUMENT).read_text(encoding="utf-8")


def test_sunogen_capabilities_reports_spec_errors_at_their_lines_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    broken = ROOT / "tests" / "specs_with_errors" / "song_mapping_mistakes.yaml"
    (specs / "broken.yaml").write_text(broken.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "capabilities.md"
    assert main(["capabilities", "--specs", str(specs), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken.yaml:" in err
    assert "unknown-mode" in err
    assert "Traceback" not in err
    assert not out.exists()
