"""Stage 4a, models: pydantic v2 source for each vendor's shapes, from datamodel-code-generator as a library.

Importing datamodel-code-generator takes longer than the rest of the pipeline for a few specs, so it is imported on
the first vendor whose shapes the cache does not hold, and only then.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import ir
    from .cache import Cache

RUNTIME = "suno_clients._runtime.model_bases"


@dataclass(frozen=True, slots=True)
class Models:
    """A vendor's models module: its source, and the classes it defines (collapsed root models are not classes)."""

    source: str
    classes: tuple[str, ...]


def models_input(vendor: ir.Vendor) -> dict[str, Any]:
    """What the child needs for one vendor, as JSON: its file name, its shape document and each model's base."""
    from .build import thaw

    return {
        "file": vendor.file,
        "document": thaw(vendor.shapes),
        "bases": {c.name: f"{RUNTIME}.{'RequestModel' if c.request else 'ResponseModel'}" for c in vendor.components},
    }


def models_source(request: dict[str, Any]) -> str:
    """The models module body (no header) for one `models_input`, from datamodel-code-generator in this process."""
    from datamodel_code_generator import (  # type: ignore[attr-defined]
        DataModelType,
        InputFileType,
        LiteralType,
        PythonVersion,
        generate,
    )

    source = generate(
        json.dumps(request["document"]),
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        base_class=f"{RUNTIME}.ResponseModel",
        base_class_map=request["bases"],
        use_schema_description=True,
        use_field_description=True,
        use_attribute_docstrings=False,
        disable_timestamp=True,
        use_annotated=True,
        use_standard_collections=True,
        use_union_operator=True,
        field_constraints=True,
        enum_field_as_literal=LiteralType.All,
        use_title_as_name=False,
        use_double_quotes=True,
        keep_model_order=True,
        formatters=[],
        custom_file_header="",
        collapse_root_models=True,
        field_extra_keys={"x-sunogen-unit", "x-sunogen-content"},
        skip_root_model=True,
        input_filename=request["file"],
    )
    assert isinstance(source, str), "datamodel-code-generator returned several modules for one schema"
    return source


def _models(source: str) -> Models:
    return Models(source, tuple(re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE)))


def vendor_models(vendor: ir.Vendor, cache: Cache) -> Models:
    """A vendor's models: from the cache when its shapes (and the generator) are unchanged, else made here.

    datamodel-code-generator is imported only on a miss: a run whose every vendor's shapes are cached never loads it.
    """
    request = models_input(vendor)
    key = cache.key("models", json.dumps(request, ensure_ascii=False))
    stored = cache.get(key)
    if stored is not None:
        return Models(stored["source"], tuple(stored["classes"]))
    made = _models(models_source(request))
    cache.put(key, {"source": made.source, "classes": list(made.classes)})
    return made
