"""Import cost: what importing a vendor's package, client or models does and does not do (each in a fresh process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import suno_clients


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("vendor", suno_clients.VENDORS)
def test_importing_a_vendors_models_builds_no_validator_until_a_model_is_first_used(vendor: str) -> None:
    code = (
        f"import suno_clients.{vendor}.models as m\n"
        "from pydantic import BaseModel\n"
        "models = [v for v in vars(m).values() if isinstance(v, type) and issubclass(v, BaseModel)]\n"
        "mine = [v for v in models if v.__module__ == m.__name__]\n"
        "print(len(mine), sorted(v.__name__ for v in mine if v.__pydantic_complete__))\n"
    )
    count, built = _run(code).split(" ", 1)
    assert int(count) > 0
    assert built == "[]"
