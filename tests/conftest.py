"""Shared fixtures: where the repository's folders are, and how many examples hypothesis tries.

Hypothesis has two profiles, chosen by HYPOTHESIS_PROFILE: `quick` (the default, for `make test` while working)
and `ci` (`.ci/run`: every test as many examples as it was written for). A test that tries a set number of examples
asks `examples(n)`: n in CI, a tenth of it in the quick loop.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"

# No test speaks TLS (every server is 127.0.0.1 over http, or respx), so no client needs a trust store, and reading
# certifi's bundle is most of what making an httpx client costs (about 27 ms, several hundred times a run). An empty
# certificate folder (SSL_CERT_DIR, which httpx honours) makes each client cheap; the child processes inherit it.
_NO_CERTIFICATES = tempfile.mkdtemp(prefix="sunogen-tests-no-ca-")
atexit.register(os.rmdir, _NO_CERTIFICATES)
os.environ.pop("SSL_CERT_FILE", None)
os.environ["SSL_CERT_DIR"] = _NO_CERTIFICATES

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
