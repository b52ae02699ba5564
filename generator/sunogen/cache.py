"""A content-addressed cache of the pipeline's results, so that regenerating redoes only what its inputs changed.

Each stage that is worth skipping is a pure function of what it reads, so its result is stored under the hash of
all of it: the stage's own inputs (a spec's text, a vendor's shape document) and the generator itself (every file
of the sunogen package and of templates/, and the versions of the libraries whose output lands in generated/).
A changed spec, template, generator module or pinned library is then a different key, never a stale hit; an entry
is only ever written whole (renamed into place), and one that cannot be read is a miss.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent
"""The generator's own source, the runtime it copies included."""
TEMPLATES = PACKAGE.parents[1] / "templates"
"""The templates `render` reads."""
LIBRARIES = ("datamodel-code-generator", "inflect", "ruff", "jinja2", "pyyaml", "pydantic")
"""The libraries whose version can change the bytes generated: they are part of every key."""


def templates_folder() -> Path:
    """The templates `render` reads (read at each call, so that a test can point both at a copy)."""
    return TEMPLATES


def default_folder() -> Path:
    """Where the cache lives: $SUNOGEN_CACHE, else inside the virtual environment, else the user's cache folder."""
    if os.environ.get("SUNOGEN_CACHE"):
        return Path(os.environ["SUNOGEN_CACHE"])
    if sys.prefix != sys.base_prefix:  # a virtual environment: the cache goes when it does
        return Path(sys.prefix) / "sunogen-cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sunogen"


def _sources(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def fingerprint(roots: tuple[Path, ...] | None = None) -> str:
    """The hash of the generator: every file under `roots` (default: the sunogen package and templates/), by path
    and bytes, and the versions of Python and of the libraries whose output lands in generated/."""
    from importlib.metadata import PackageNotFoundError, version

    digest = hashlib.sha256()
    for root in roots or (PACKAGE, templates_folder()):
        for path in _sources(root):
            digest.update(f"{root.name}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes() + b"\0")
    for name in LIBRARIES:
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "absent"
        digest.update(f"{name}=={found}\0".encode())
    digest.update(f"{platform.python_implementation()} {platform.python_version()}".encode())
    return digest.hexdigest()


@functools.cache
def _this_generator() -> str:
    return fingerprint()


@dataclass(frozen=True, slots=True)
class Cache:
    """A folder of entries, each a JSON value stored under the hash of its inputs and of the generator.

    `Cache(None)` is no cache at all: every lookup misses and nothing is written. `--no-cache` is a cache without
    `results`: no result is read or stored, and only the compiled templates are kept in its folder.
    """

    folder: Path | None
    generator: str = ""
    """The generator's fingerprint (empty: this process's own, computed on first use)."""
    results: bool = True
    """Whether stages' results are read and stored (False: `--no-cache`, which makes every file again)."""

    def key(self, stage: str, *inputs: str) -> str:
        """The key of one stage's result: a hash of the generator, the stage's name and its inputs ("": no cache)."""
        if self.folder is None or not self.results:
            return ""
        digest = hashlib.sha256((self.generator or _this_generator()).encode())
        for part in (stage, *inputs):
            digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    @property
    def compiled_templates(self) -> Path | None:
        """Where jinja keeps the templates compiled (render.py picks a folder in it per environment), or None
        without a cache folder.

        Kept under `--no-cache` too: that flag makes every file again, and a compiled template is no file of the
        output but the generator's own code, as its modules' bytecode is, which Python keeps whatever the flag says.
        jinja checks an entry against its template's text, so it cannot make the output differ from a clean run's.
        """
        if self.folder is None:
            return None
        return self.folder / "templates"

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> Any:
        """The value stored under `key`, or None (also when there is no cache, or the entry cannot be read)."""
        if self.folder is None or not self.results:
            return None
        try:
            entry = json.loads(self._path(key).read_bytes())
        except (OSError, ValueError):
            return None
        # the key is stored with the value: a file that is not this entry (copied, truncated by hand) is a miss
        return entry.get("value") if isinstance(entry, dict) and entry.get("key") == key else None

    def put(self, key: str, value: Any) -> None:
        """Store `value` under `key` (written to a temporary file, then renamed: a reader never sees half of it)."""
        if self.folder is None or not self.results:
            return
        path = self._path(key)
        data = json.dumps({"key": key, "value": value}, ensure_ascii=False).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        except OSError:  # a read-only or full disk costs the next run time, never this run its result
            return
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
