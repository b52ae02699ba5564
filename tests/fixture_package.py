"""Generate a package from fixture specs (tests/fixture_specs/, not shipped) and import it in this process.

The generated package is named suno_clients like the real one, so while a test uses it the real one's modules are
set aside in sys.modules and restored afterwards: objects made from either keep working, each with its own modules.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType

import sunogen
from sunogen.write import write

FIXTURE_SPECS = Path(__file__).resolve().parent / "fixture_specs"
PACKAGE = "suno_clients"


def _ours(name: str) -> bool:
    return name == PACKAGE or name.startswith(f"{PACKAGE}.")


@cache
def _generated(names: tuple[str, ...]) -> dict[str, str]:
    """The files generated from some fixture specs: made once a run, written wherever a test asks."""
    sources = {f"specs/{name}.yaml": (FIXTURE_SPECS / f"{name}.yaml").read_text(encoding="utf-8") for name in names}
    return sunogen.generate(sources)


@contextmanager
def generated_package(tmp_path: Path, *names: str) -> Iterator[ModuleType]:
    """`suno_clients` generated from the named fixture specs (`advice` is tests/fixture_specs/advice.yaml)."""
    out = tmp_path / "generated"
    write(_generated(names), out)
    saved = {name: module for name, module in sys.modules.items() if _ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(out))
    try:
        import suno_clients

        assert str(suno_clients.__file__).startswith(str(out)), suno_clients.__file__
        yield suno_clients
    finally:
        sys.path.remove(str(out))
        for name in [name for name in sys.modules if _ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
