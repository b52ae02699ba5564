"""Shared fixtures: where the repository's folders are."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"


@pytest.fixture(scope="session")
def generated_files() -> dict[str, str]:
    """What the generator makes of specs/ right now (one run shared by the tests that need it)."""
    import sunogen

    return sunogen.generate(sunogen.read_specs(SPECS))
