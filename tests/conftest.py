"""Shared fixtures: where the repository's folders are, and how many examples hypothesis tries.

Hypothesis has two profiles, chosen by HYPOTHESIS_PROFILE: `quick` (the default, for `make test` while working)
and `ci` (`.ci/run`: every test as many examples as it was written for). A test that tries a set number of examples
asks `examples(n)`: n in CI, a tenth of it in the quick loop.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"

settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("quick", deadline=None, max_examples=30)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """How many examples a test tries: `thorough` in the ci profile, a tenth of it (at least 20) when quick."""
    return thorough if PROFILE == "ci" else max(20, thorough // 10)


@pytest.fixture(scope="session")
def generated_files() -> dict[str, str]:
    """What the generator makes of specs/ right now (one run shared by the tests that need it)."""
    import sunogen

    return sunogen.generate(sunogen.read_specs(SPECS))
