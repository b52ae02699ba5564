"""The fixture-package helper: a package generated from tests/fixture_specs/ is used, then the shipped one is back."""

from __future__ import annotations

from pathlib import Path

from .fixture_package import generated_package


def test_the_shipped_package_is_back_after_a_fixture_package(tmp_path: Path) -> None:
    import suno_clients as shipped

    with generated_package(tmp_path, "advice") as package:
        assert package is not shipped
        assert package.VENDORS == ("advice",)
    import suno_clients

    assert suno_clients is shipped
    assert "advice" not in suno_clients.VENDORS
