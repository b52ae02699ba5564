"""A JSON document carried in a string (contentMediaType: application/json, contentSchema), both ways.

No shipped gateway has one, so tests/fixture_specs/documents.yaml does: in a request the string is validated as the
document it holds (and sent as the string); in a response the model parses it and its field holds the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError

from .fixture_package import generated_package


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    tmp: Path = tmp_path_factory.mktemp("documents")
    with generated_package(tmp, "documents") as package:
        yield package


def test_a_request_string_holding_a_valid_document_is_valid(documents: ModuleType) -> None:
    options = json.dumps({"seed": 7, "styles": ["lofi", "jazz"]})
    assert documents.validate("documents", "create", {"prompt": "a calm song", "options": options}) == []


def test_a_request_string_holding_no_json_is_a_violation(documents: ModuleType) -> None:
    (violation,) = documents.validate("documents", "create", {"prompt": "x", "options": "{seed: 7}"})
    assert (violation.path, violation.keyword, violation.message) == (
        "$.options",
        "contentMediaType",
        "must hold a JSON document",
    )


def test_a_request_document_breaking_its_schema_reports_paths_inside_it(documents: ModuleType) -> None:
    options = json.dumps({"seed": 7.5, "styles": ["a", "b", "c", "d"], "color": "red"})
    violations = documents.validate("documents", "create", {"prompt": "x", "options": options})
    assert sorted((v.path, v.keyword) for v in violations) == [
        ("$.options.color", "additionalProperties"),
        ("$.options.seed", "type"),
        ("$.options.styles", "maxItems"),
    ]


def test_a_request_model_keeps_the_string_it_sends(documents: ModuleType) -> None:
    request = documents.vendor_module("documents").CreateRequest(prompt="x", options='{"seed": 1}')
    assert request.model_dump(exclude_unset=True) == {"prompt": "x", "options": '{"seed": 1}'}
    with pytest.raises(ValidationError, match="must hold a JSON document"):
        documents.vendor_module("documents").CreateRequest(prompt="x", options="not json")


def test_a_response_string_holding_a_document_is_parsed_into_its_model(documents: ModuleType) -> None:
    models = documents.vendor_module("documents")
    body = {
        "code": 200,
        "data": {
            "task_id": "t1",
            "metadata": json.dumps({"duration": 61.5, "tags": ["lofi"], "extra": True}),
            "history": "[1, 2]",
        },
    }
    response = models.CreateResponse.model_validate(body)
    assert response.data.metadata.duration == 61.5
    assert response.data.metadata.tags == ["lofi"]
    assert response.data.history == [1, 2]
    assert type(response.data.metadata).__name__ == "Metadata"


def test_a_response_field_may_still_be_null_or_absent(documents: ModuleType) -> None:
    models = documents.vendor_module("documents")
    assert models.CreateResponse.model_validate({"data": {"history": None}}).data.history is None
    assert models.CreateResponse.model_validate({"data": {}}).data.metadata is None


@pytest.mark.parametrize("metadata", ["not json", '"a string, not an object"', "[1, 2]"])
def test_a_response_string_that_holds_no_such_document_fails_validation(documents: ModuleType, metadata: str) -> None:
    models = documents.vendor_module("documents")
    with pytest.raises(ValidationError, match="metadata"):
        models.CreateResponse.model_validate({"data": {"metadata": metadata}})
