"""Stage 4a, models: pydantic v2 source for each vendor's shapes, from datamodel-code-generator.

Importing datamodel-code-generator takes longer than the rest of the pipeline, so it runs in a child process
(`python -m sunogen.datamodels`), started before the specs are even loaded: the child imports it on one core while the
parent checks, builds, renders and formats on the other, then the child turns each vendor's shapes into models.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import ir

RUNTIME = "suno_clients._runtime.model_bases"
CHILD = "sunogen.datamodels"  # run as `python -m sunogen.datamodels`: the child process


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


class ModelsProcess:
    """The child process that makes the models: started on entry, sent the vendors once built, killed on exit."""

    def __init__(self) -> None:
        import subprocess  # here, not at the top: the child runs this module and has no use for it

        # -S skips the site module (a sixth of the child's start-up): the child gets the parent's sys.path instead,
        # plus the folder this sunogen comes from, so it imports the very packages the parent would.
        path = [str(Path(__file__).resolve().parents[1]), *sys.path]
        self._process = subprocess.Popen(
            # -P: `-m` would put the working directory first on sys.path, and a json.py there would be imported
            [sys.executable, "-S", "-P", "-m", CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,  # stderr is ours: the child's warnings and tracebacks reach the user as before
            env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
        )

    def __enter__(self) -> ModelsProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        """Whether the child has not exited yet."""
        return self._process.poll() is None

    def send(self, requests: Iterable[dict[str, Any]]) -> None:
        """Hand over every `models_input`; the child takes them in (in a thread) even while it is still importing."""
        assert self._process.stdin is not None
        try:
            with self._process.stdin as stdin:
                for request in requests:
                    stdin.write(json.dumps(request).encode() + b"\n")
        except BrokenPipeError:  # the child died: results() says so
            pass

    def results(self) -> tuple[Models, ...]:
        """Each request's models, in the order sent. A failure in the child is our bug: its traceback is on stderr."""
        assert self._process.stdout is not None
        lines = self._process.stdout.read().splitlines()
        if self._process.wait() != 0:
            raise RuntimeError(f"{CHILD} exited {self._process.returncode} (its traceback is above)")
        return tuple(_models(json.loads(line)) for line in lines)

    def close(self) -> None:
        """Stop the child if it is still running (on a spec error it was never sent anything) and reap it."""
        if self.running:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The child: read the requests while importing datamodel-code-generator, then write one source per line."""
    import gc
    import signal
    import threading

    # Ctrl-C is the parent's to handle (it kills this process on the way out): no second traceback from here
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    gc.disable()  # a short-lived process that allocates much and frees little: collecting only costs time
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(stdin.read()))
    reader.start()
    # the long import (what `generate` imports on its first call), made while the parent works
    import datamodel_code_generator.config
    import datamodel_code_generator.parser.jsonschema  # noqa: F401

    reader.join()
    for line in received[0].splitlines():
        stdout.write(json.dumps(models_source(json.loads(line))).encode() + b"\n")
    stdout.flush()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
    sys.stderr.flush()
    # The answer is out; tearing down the interpreter (every module and object the generator made) would take
    # longer than the last vendor's models, and the parent waits for this exit. Nothing is left to clean up.
    os._exit(0)
