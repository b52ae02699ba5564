"""Every quotation in a request schema's `$comment` is in the vendor document it cites, word for word.

A rule rejects a payload only on the document's words, and its `$comment` quotes them. The convention this test
reads: a `$comment` names a document by its file name in the vendor-docs folder (`sunor.md`, `research-notes.md`),
and text in single quotes after that name is quoted from that document, verbatim up to whitespace (a quotation
that holds single quotes itself is set in curly ones, ‘like 'this'’); `[...]` (or `...`) marks an elision, and each
piece around it must appear. Double quotes are free: values, words, the spec's own phrasing. The vendor documents
live outside the repository (../shared/vendor-docs); where they are absent, as in a CI clone of the repository
alone, the check is skipped with that reason.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import pytest

from .conftest import ROOT, SPECS
from .spec_files import spec_document

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
CITATION: Final = re.compile(r"(?<![\w/.-])([\w-]+\.(?:md|txt))\b")
# An opening quote follows no letter (so "Suno's" opens nothing) and a closing one precedes no letter; curly quotes
# hold a quotation that has straight ones inside.
QUOTATION: Final = re.compile(r"‘(.+?)’|(?<!\w)'(.+?)'(?!\w)", re.DOTALL)
ELISION: Final = re.compile(r"\[\.\.\.\]|\.\.\.|…")


def vendor_docs() -> Path | None:
    """The vendor-docs folder: $SUNOGEN_VENDOR_DOCS, else ../shared/vendor-docs beside the repository (or beside
    the main checkout, when this is a git worktree of it)."""
    if configured := os.environ.get("SUNOGEN_VENDOR_DOCS"):
        return Path(configured)
    candidates = [ROOT.parent / "shared" / "vendor-docs"]
    dot_git = ROOT / ".git"
    if dot_git.is_file():  # a worktree: ".git" says "gitdir: <main checkout>/.git/worktrees/<name>"
        gitdir = Path(dot_git.read_text(encoding="utf-8").removeprefix("gitdir:").strip())
        candidates.append(gitdir.parents[2].parent / "shared" / "vendor-docs")
    return next((path for path in candidates if path.is_dir()), None)


DOCS: Final = vendor_docs()
needs_docs = pytest.mark.skipif(
    DOCS is None, reason="no vendor documents beside the repository (../shared/vendor-docs)"
)


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def document(name: str) -> str:
    assert DOCS is not None
    return normalised((DOCS / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Quotation:
    """One quoted passage of a `$comment`: where the comment is, which document it cites, and the quoted text."""

    where: str
    cited: str | None
    text: str

    def missing(self) -> list[str]:
        """The pieces of the quotation (split at elisions) that the cited document does not contain."""
        assert self.cited is not None
        return [
            piece
            for part in ELISION.split(self.text)
            if (piece := normalised(part)) and piece not in document(self.cited)
        ]


def quotations(comment: str, where: str) -> Iterator[Quotation]:
    """The quotations of one `$comment`, each attributed to the document named last before it."""
    citations = [(found.end(), found.group(1)) for found in CITATION.finditer(comment)]
    for quoted in QUOTATION.finditer(comment):
        cited = None
        for end, name in citations:
            if end <= quoted.start():
                cited = name
        yield Quotation(where, cited, quoted.group(1) or quoted.group(2))


# -- what is checked: every $comment of the request schemas ----------------------------------------------------------


def spec(vendor: str) -> dict[str, Any]:
    return spec_document(vendor)


def request_components(document: dict[str, Any]) -> list[str]:
    """The components a request body reaches, directly or through other components' `$ref`s."""
    schemas = document["components"]["schemas"]
    roots = [
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        for item in document["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]
    found: list[str] = []
    stack = re.findall(r"#/components/schemas/(\w+)", repr(roots))
    while stack:
        name = stack.pop()
        if name not in found:
            found.append(name)
            stack.extend(re.findall(r"#/components/schemas/(\w+)", repr(schemas[name])))
    return sorted(found)


def comments(node: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        if isinstance(node.get("$comment"), str):
            named = f"{where} ({node['title']})" if isinstance(node.get("title"), str) else where
            yield named, node["$comment"]
        for key, value in node.items():
            yield from comments(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from comments(value, f"{where}/{index}")


def all_quotations() -> list[Quotation]:
    found: list[Quotation] = []
    for path in sorted(SPECS.glob("*.yaml")):
        document = spec(path.stem)
        for name in request_components(document):
            for where, comment in comments(document["components"]["schemas"][name], f"{path.name}#{name}"):
                found.extend(quotations(comment, where))
    return found


QUOTATIONS: Final = all_quotations()


def test_the_request_schemas_quote_their_documents() -> None:
    # guards the test below: a parser that found nothing would make it pass vacuously
    assert len(QUOTATIONS) > 50
    assert {q.where.split("#")[0] for q in QUOTATIONS} == {path.name for path in SPECS.glob("*.yaml")}


def test_every_quotation_follows_the_name_of_the_document_it_quotes() -> None:
    assert [f"{q.where}: {q.text!r}" for q in QUOTATIONS if q.cited is None] == []


@needs_docs
def test_every_cited_document_is_in_the_vendor_docs_folder() -> None:
    assert DOCS is not None
    assert sorted({q.cited for q in QUOTATIONS if q.cited and not (DOCS / q.cited).is_file()}) == []


@needs_docs
@pytest.mark.parametrize("quotation", QUOTATIONS, ids=lambda q: f"{q.where}:{q.text[:40]}")
def test_every_quoted_fragment_appears_in_the_cited_document(quotation: Quotation) -> None:
    if quotation.cited is None or not (DOCS is not None and (DOCS / quotation.cited).is_file()):
        pytest.skip("no cited document (reported by the tests above)")
    assert quotation.missing() == [], f"{quotation.where}: not in {quotation.cited}"


@needs_docs
def test_a_misquotation_is_caught_and_an_elision_is_allowed() -> None:
    comment = (
        'sunor.md, Custom Mode: \'<ParamField body="input.prompt" type="string" required>\' and \'The lyrics for '
        "the song. [...] `[Chorus]`, etc.'; research-notes.md 1.2: 'Udio supports `music`  only'"
    )
    first, second, third = quotations(comment, "here")
    assert (first.cited, second.cited, third.cited) == ("sunor.md", "sunor.md", "research-notes.md")
    assert first.missing() == []
    assert second.missing() == []
    assert third.missing() == ["Udio supports `music` only"]


def test_an_apostrophe_inside_a_word_neither_opens_nor_closes_a_quotation() -> None:
    comment = "research-notes.md 1.3: '404 task not found (invalid id or another user's task)' (the vendor's words)"
    assert [q.text for q in quotations(comment, "here")] == ["404 task not found (invalid id or another user's task)"]


def test_curly_quotes_hold_a_quotation_with_straight_quotes_inside() -> None:
    comment = "research-notes.md 4.5: ‘The 'mv' field is invalid.’ and 'less than 200'"
    assert [q.text for q in quotations(comment, "here")] == ["The 'mv' field is invalid.", "less than 200"]
