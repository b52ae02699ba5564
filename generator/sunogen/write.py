"""Stage 7, write: put the files in the output folder, or (for `check`) list what differs, writing nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from .render import PACKAGE

_CACHE = "__pycache__"


def _leftover_folders(files: dict[str, str], out: Path) -> set[str]:
    """Folders of the package that hold no file of `files`: a removed vendor's package, say (with its bytecode)."""
    root = out / PACKAGE
    if not root.is_dir():
        return set()
    wanted = {str(parent) for rel in files for parent in Path(rel).parents if str(parent) != "."}
    return {
        str(path.relative_to(out))
        for path in root.rglob("*")
        if path.is_dir() and _CACHE not in path.parts and str(path.relative_to(out)) not in wanted
    }


def stale(files: dict[str, str], out: Path) -> list[str]:
    """Paths (relative to `out`) that are missing, different, or should not be there (files and folders); sorted.

    A folder that should not be there is listed with a trailing `/`.
    """
    root = out / PACKAGE
    found = (
        {str(p.relative_to(out)) for p in root.rglob("*") if p.is_file() and _CACHE not in p.parts}
        if root.exists()
        else set()
    )
    problems = set(found - files.keys()) | {f"{folder}/" for folder in _leftover_folders(files, out)}
    for rel, text in files.items():
        path = out / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
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
