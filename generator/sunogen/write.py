"""Stage 7, write: put the files in the output folder, or (for `check`) list what differs, writing nothing."""

from __future__ import annotations

from pathlib import Path

from .render import PACKAGE


def stale(files: dict[str, str], out: Path) -> list[str]:
    """Paths (relative to `out`) that are missing, different, or should not be there; sorted."""
    found = (
        {str(p.relative_to(out)) for p in (out / PACKAGE).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        if (out / PACKAGE).exists()
        else set()
    )
    problems = set(found - files.keys())
    for rel, text in files.items():
        path = out / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            problems.add(rel)
    return sorted(problems)


def write(files: dict[str, str], out: Path) -> list[str]:
    """Write every file that differs and delete files the package no longer has; the changed paths, sorted."""
    changed = stale(files, out)
    for rel in changed:
        path = out / rel
        if rel in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[rel], encoding="utf-8", newline="\n")
        else:
            path.unlink()
    return changed
