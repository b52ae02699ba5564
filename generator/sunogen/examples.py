"""Stage 5b, examples: each request example of a spec passes the validators rendered from that same spec.

The vendor document's own examples are quoted in the spec; one the compiled rules reject means the spec (or a
rule) misreads the document, and a client built from it would refuse the vendor's own example. The validators
are a pure function of the spec, so the rendered module is run here as it will run in the package, its runtime
imports pointed at `sunogen.runtime` (the very files copied into `suno_clients/_runtime/`). Only the module's
`OPERATIONS` table is used: how the rules are compiled is the rule compiler's business.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .diagnostics import SpecError
from .load import LoadedSpec, escape
from .render import PACKAGE

METHODS = ("get", "post", "put", "patch", "delete")
_RUNTIME_IMPORT = re.compile(r"^(\s*from\s+)suno_clients\._runtime(?=[.\s])", re.MULTILINE)


def validators_path(vendor: str) -> str:
    """Where `render` puts a vendor's compiled validators module."""
    return f"{PACKAGE}/_validators/{vendor}.py"


def _operations(vendor: str, source: str) -> dict[str, Callable[[object], list[Any]]]:
    """The OPERATIONS table of a rendered validators module, run against sunogen's copy of the runtime."""
    code = compile(_RUNTIME_IMPORT.sub(r"\1sunogen.runtime", source), f"<validators of {vendor}>", "exec")
    namespace: dict[str, Any] = {"__name__": f"sunogen_examples_{vendor}"}
    exec(code, namespace)
    operations: dict[str, Callable[[object], list[Any]]] = namespace["OPERATIONS"]
    return operations


def check_examples(spec: LoadedSpec, validators_source: str) -> list[SpecError]:
    """An error at each request example of `spec` that its operation's validator rejects (warnings are advice)."""
    paths = spec.document.get("paths") if isinstance(spec.document, dict) else None
    if not isinstance(paths, dict):
        return []
    operations = _operations(spec.vendor, validators_source)
    errors: list[SpecError] = []
    for path, item in paths.items():
        for method in METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict) or op.get("operationId") not in operations:
                continue
            check = operations[op["operationId"]]
            media = op["requestBody"]["content"]["application/json"]
            pointer = f"/paths/{escape(path)}/{method}/requestBody/content/application~1json/examples"
            for name, example in (media.get("examples") or {}).items():
                broken = [v for v in check(example["value"]) if v.severity == "error"]
                if broken:
                    shown = "; ".join(str(v) for v in broken)
                    errors.append(
                        spec.error(
                            f"{pointer}/{escape(name)}/value",
                            "example-invalid",
                            f"example {name!r} breaks its own schema ({len(broken)} error(s)): {shown}",
                        )
                    )
    return errors
