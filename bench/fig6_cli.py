"""Figure 6, CLI: `sunogen validate` on one file, as a whole process, against `python -c "import httpx, pydantic"`."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import profiling
from bench.core import PAIR_HEADER, Figure, Settings, Target, compare_processes, pair_rows, table
from bench.fig5_import import REFERENCE, payload_file, validate_command

TARGET = 1.5


def run(settings: Settings) -> Figure:
    """Time the validate command and the reference import in fresh processes, alternating."""
    figure = Figure(6, "CLI")
    rounds = settings.rounds_or(21)
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        validate = validate_command(payload_file(Path(tmp)))
        pair = compare_processes(rounds, validate, REFERENCE, ("sunogen validate, 1 file", "import httpx, pydantic"))
        figure.targets.append(
            Target(
                6,
                f"`sunogen validate` on one file ≤ {TARGET:.1f}× `import httpx, pydantic`",
                f"{pair.ratio:.2f}×",
                f"≤ {TARGET:.1f}×",
                pair.ratio <= TARGET,
            )
        )
        figure.body += [
            f"Whole processes, {rounds} interleaved rounds; the file is crun's first request example (valid, exit 0).",
            "",
            *table(PAIR_HEADER, pair_rows([pair])),
            "",
            "```sh",
            validate.text,
            REFERENCE.text,
            "```",
        ]
        if settings.profile or not all(t.holds for t in figure.targets):
            figure.body += [
                "",
                "### Where `sunogen validate` spends its time",
                "",
                *profiling.import_section("`sunogen validate`", profiling.import_times(validate.argv)),
            ]
    return figure
