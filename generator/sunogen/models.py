"""Stage 4a, models: pydantic v2 source for a vendor's shapes, from datamodel-code-generator called in-process."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from . import ir
from .build import thaw

RUNTIME = "suno_clients._runtime.models"


@dataclass(frozen=True, slots=True)
class Models:
    """A vendor's models module: its source, and the classes it defines (collapsed root models are not classes)."""

    source: str
    classes: tuple[str, ...]


def generate_models(vendor: ir.Vendor, shapes: ir.Frozen) -> Models:
    """The models module body (no header) for one vendor. Imported lazily: it is the slowest import we have."""
    from datamodel_code_generator import (  # type: ignore[attr-defined]
        DataModelType,
        InputFileType,
        LiteralType,
        PythonVersion,
        generate,
    )

    document: dict[str, Any] = thaw(shapes)
    base: dict[str, str | list[str]] = {
        c.name: f"{RUNTIME}.{'RequestModel' if c.request else 'ResponseModel'}" for c in vendor.components
    }
    source = generate(
        json.dumps(document),
        input_file_type=InputFileType.JsonSchema,
        output_model_type=DataModelType.PydanticV2BaseModel,
        target_python_version=PythonVersion.PY_311,
        base_class=f"{RUNTIME}.ResponseModel",
        base_class_map=base,
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
        field_extra_keys={"x-sunogen-unit"},
        skip_root_model=True,
        input_filename=vendor.file,
    )
    assert isinstance(source, str), "datamodel-code-generator returned several modules for one schema"
    return Models(source, tuple(re.findall(r"^class (\w+)\(", source, flags=re.MULTILINE)))
