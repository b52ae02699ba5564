"""Stage 7, write: put the files in the output folder, or (for `check`) list what differs, writing nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath

from .render import PACKAGE

_CACHE = "__pycache__"


def _on_disk(out: Path) -> tuple[set[str], set[str]]:
    """The package's files and folders under `out`, relative to it with `/`, bytecode left out; one walk."""
    files: set[str] = set()
    folders: set[str] = set()
    root = out / PACKAGE
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != _CACHE]
        here = Path(folder).relative_to(out).as_posix()
        if here != PACKAGE:
            folders.add(here)
        files.update(f"{here}/{name}" for name in names)
    return files, folders


def stale(files: dict[str, str], out: Path) -> list[str]:
    """Paths (relative to `out`) that are missing, different, or should not be there (files and folders); sorted.

    A folder that should not be there (a removed vendor's package, say, with its bytecode) is listed with a
    trailing `/`.
    """
    found, folders = _on_disk(out)
    wanted = {parent.as_posix() for rel in files for parent in PurePosixPath(rel).parents}
    problems = (found - files.keys()) | {f"{folder}/" for folder in folders - wanted}
    for rel, text in files.items():
        if rel not in found or (out / rel).read_text(encoding="utf-8") != text:
            problems.add(rel)
    return sorted(problems)


def write(files: dict[str, str], out: Path) -> list[str]:
    """Write every file that differs, delete what the package no longer has (a removed vendor's folder whole).

    Returns the changed paths, sorted.
    """
    changed = stale(files, out)
    for rel in changed:
        path = out / rel
        if rel.endswith("/"):
            continue
        if rel in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[rel], encoding="utf-8", newline="\n")
        else:
            path.unlink()
    # deepest first; what is left in them is bytecode of modules that are gone
    for rel in sorted((rel for rel in changed if rel.endswith("/")), key=len, reverse=True):
        shutil.rmtree(out / rel, ignore_errors=True)
    return changed
