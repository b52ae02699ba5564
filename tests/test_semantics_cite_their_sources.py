"""Every error-table entry and URL pattern of a spec cites its source, and each quoted fragment is in that document.

A `$comment` starts with the document's file name (`crun.txt`, `research-notes.md`, ...); the fragments in single
quotes must appear in it (whitespace-normalised). Skipped where the vendor documents are not checked out.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT, SPECS
from .spec_files import VENDORS, spec_document

DOCS = next((p / "shared" / "vendor-docs" for p in ROOT.parents if (p / "shared" / "vendor-docs").is_dir()), None)


def citations() -> list[tuple[str, str]]:
    """(where, $comment) of every error entry and URL pattern of every spec."""
    found: list[tuple[str, str]] = []
    for vendor in VENDORS:
        spec = spec_document(vendor)
        tables = {"x-sunogen-errors": spec.get("x-sunogen-errors", [])}
        for item in spec["paths"].values():
            for op in item.values():
                if isinstance(op, dict) and "x-sunogen-errors" in op:
                    tables[f"{op['operationId']}.x-sunogen-errors"] = op["x-sunogen-errors"]
        clips = spec.get("x-sunogen-clips", {})
        tables |= {f"x-sunogen-clips.{key}": clips.get(key, []) for key in ("streams", "placeholders")}
        for where, entries in tables.items():
            found += [(f"{vendor}: {where}.{i}", entry["$comment"]) for i, entry in enumerate(entries)]
    return found


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.skipif(DOCS is None, reason="shared/vendor-docs is not next to this checkout")
@pytest.mark.parametrize(("where", "comment"), citations(), ids=[where for where, _ in citations()])
def test_each_quoted_fragment_of_a_citation_is_in_the_cited_document(where: str, comment: str) -> None:
    assert DOCS is not None
    named = re.match(r"^([\w.-]+\.(?:txt|md))\b", comment)
    assert named, f"{where}: the $comment must start with the document it cites: {comment!r}"
    document = DOCS / named.group(1)
    assert document.is_file(), f"{where}: no document {named.group(1)} in {DOCS}"
    quotes = re.findall(r"'([^']+)'", comment)
    assert quotes, f"{where}: the $comment quotes nothing from {named.group(1)}"
    text = _flat(document.read_text(encoding="utf-8"))
    missing = [quote for quote in quotes if _flat(quote) not in text]
    assert not missing, f"{where}: not in {named.group(1)}: {missing}"


def test_the_citations_are_found() -> None:
    assert len(citations()) > 20
    assert Path(SPECS).is_dir()
