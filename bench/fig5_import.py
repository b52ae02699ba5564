"""Figure 5, import: cold `import suno_clients.crun` against `import httpx, pydantic`; what must stay unimported."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench import profiling
from bench.core import (
    BIN,
    PAIR_HEADER,
    PYTHON,
    Command,
    Figure,
    Pair,
    Settings,
    Target,
    pair_rows,
    run_process,
    table,
    time_processes,
)

TARGET = 1.3
REFERENCE = Command((str(PYTHON), "-c", "import httpx, pydantic"))
"""What a hand-written httpx + pydantic client costs to import at the least: the reference of figures 4 and 5."""

FLOOR = Command((str(PYTHON), "-c", "import httpx, pydantic; pydantic.create_model('M', x=(int, ...))"))
"""The reference plus the first pydantic model: the least any client with pydantic models pays (not a target)."""

CLIENT = Command((str(PYTHON), "-c", "from suno_clients.crun import Client"))
"""What a program that uses the client imports (not a target): the package's names load on first use, this one too."""

GENERATOR_ONLY = ("jinja2", "yaml", "datamodel_code_generator")
"""Packages the generator needs and `sunogen validate` must never import."""


def payload_file(folder: Path) -> Path:
    """The crun create_task payload (the spec's first request example) as a JSON file in `folder`."""
    from bench.payloads import examples

    path = folder / "crun-create_task.json"
    first = next(value for operation, value in examples("crun").values() if operation == "create_task")
    path.write_text(json.dumps(first, indent=2), encoding="utf-8")
    return path


def validate_command(path: Path) -> Command:
    """`sunogen validate` on one file, which must be valid (exit 0)."""
    return Command(
        (str(BIN / "sunogen"), "validate", "--vendor", "crun", "--operation", "create_task", str(path)),
        display=".venv/bin/sunogen validate --vendor crun --operation create_task <tmp>/crun-create_task.json",
    )


# Runs the statement or the command given after it, then prints every module name in sys.modules, one a line.
MODULES = """
import sys
argv = sys.argv[1:]
if argv[0] == "-c":
    sys.argv = ["-c", *argv[2:]]
    exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
print("\\n".join(sorted(sys.modules)), file=sys.__stderr__)
"""


def imported_modules(argv: list[str]) -> set[str]:
    """Every module in sys.modules after running `python -c <statement> [args]` (argv: `["-c", statement, *args]`)."""
    done = run_process(Command((str(PYTHON), "-c", MODULES, *argv)))
    return {line for line in done.stderr.splitlines() if line and " " not in line}


def run(settings: Settings) -> Figure:
    """Time the two imports in fresh processes, alternating; check what `import suno_clients` and validate load."""
    import suno_clients

    figure = Figure(5, "Import")
    rounds = settings.rounds_or(21)
    ours = Command((str(PYTHON), "-c", "import suno_clients.crun"))
    mine, theirs, floor, client = time_processes(
        rounds,
        (ours, REFERENCE, FLOOR, CLIENT),
        (
            "import suno_clients.crun",
            "import httpx, pydantic",
            "import httpx, pydantic + one model",
            "from suno_clients.crun import Client",
        ),
    )
    pair = Pair(mine, theirs)
    with_model = Pair(floor, theirs)
    with_client = Pair(client, theirs)
    figure.targets.append(
        Target(
            5,
            f"cold `import suno_clients.crun` ≤ {TARGET:.1f}× `import httpx, pydantic`",
            f"{pair.ratio:.2f}×",
            f"≤ {TARGET:.1f}×",
            pair.ratio <= TARGET,
        )
    )

    bare = imported_modules(["-c", "import suno_clients"])
    vendor_modules = sorted(
        m
        for m in bare
        for v in suno_clients.VENDORS
        for prefix in (f"suno_clients.{v}", f"suno_clients._validators.{v}")
        if m == prefix or m.startswith(prefix + ".")
    )
    figure.targets.append(
        Target(
            5,
            "`import suno_clients` imports no vendor module",
            ", ".join(vendor_modules) or "none imported",
            "none",
            not vendor_modules,
        )
    )
    with tempfile.TemporaryDirectory(prefix="sunogen-bench-") as tmp:
        validate = validate_command(payload_file(Path(tmp)))
        validating = imported_modules(
            ["-c", "import sys; from sunogen.cli import main; main(sys.argv[1:])", *validate.argv[1:]]
        )
    loaded = {m.split(".")[0] for m in validating}
    forbidden = [p for p in GENERATOR_ONLY if p in loaded]
    figure.targets.append(
        Target(
            5,
            "`sunogen validate` imports none of jinja2, yaml, datamodel_code_generator",
            ", ".join(forbidden) or "none imported",
            "none",
            not forbidden,
        )
    )

    def has(modules: set[str], package: str) -> str:
        return "yes" if package in modules else "no"

    bare_roots = {m.split(".")[0] for m in bare}
    figure.body += [
        f"Fresh processes, {rounds} interleaved rounds (each command run once untimed first, so the file cache is "
        "warm, and every module's bytecode compiled, ours as pip install would: cold means a new interpreter, not a "
        "cold disk).",
        "",
        *table(PAIR_HEADER, pair_rows([pair, with_model, with_client])),
        "",
        "The second and third rows are not targets. The second shows what defining one pydantic model adds to the "
        "reference (pydantic imports its model machinery lazily, on first use), a floor for any client whose models "
        "are built at import time. The third is what a program that uses the client imports: the vendor package's "
        "names are imported on first use, so the first row alone does not say what the client costs.",
        "",
        "```sh",
        ours.text,
        REFERENCE.text,
        FLOOR.text,
        CLIENT.text,
        "```",
        "",
        "What stays unimported: `sys.modules` at the end of each process (every module imported, by any means):",
        "",
        *table(
            ("process", "modules", "vendor modules", "httpx", "pydantic", "jinja2 / yaml / datamodel_code_generator"),
            [
                [
                    "`python -c 'import suno_clients'`",
                    str(len(bare)),
                    str(len(vendor_modules)),
                    has(bare_roots, "httpx"),
                    has(bare_roots, "pydantic"),
                    " / ".join(has(bare_roots, p) for p in GENERATOR_ONLY),
                ],
                [
                    f"`{validate.text}`",
                    str(len(validating)),
                    "crun validators only"
                    if not any(m.startswith("suno_clients.crun") for m in validating)
                    else "crun (package)",
                    has(loaded, "httpx"),
                    has(loaded, "pydantic"),
                    " / ".join(has(loaded, p) for p in GENERATOR_ONLY),
                ],
            ],
        ),
    ]
    if settings.profile or not all(t.holds for t in figure.targets):
        reference = profiling.import_times(list(REFERENCE.argv[1:]))
        for statement in ("import suno_clients.crun", "from suno_clients.crun import Client"):
            figure.body += ["", *_where_the_time_goes(statement, reference)]
        figure.body += ["", *profiling.import_section("`import httpx, pydantic`", reference)]
    return figure


def _where_the_time_goes(statement: str, reference: list[profiling.Imported]) -> list[str]:
    """The -X importtime profile of one statement: what it adds to the reference, by package and by module."""
    times = profiling.import_times(["-c", statement])
    own = sorted((m for m in times if m.name.startswith("suno_clients")), key=lambda m: -m.self_s)[:10]
    return [
        f"### Where `{statement}` spends its time",
        "",
        *profiling.extra_section(
            f"What `{statement}` imports beyond `import httpx, pydantic`", times, reference, "suno_clients"
        ),
        "",
        *profiling.import_section(f"`{statement}`", times),
        "",
        "suno_clients' own modules by their own import time (without what they import):",
        "",
        *table(
            ("module", "own", "with imports"),
            [[m.name, f"{m.self_s * 1e3:.1f} ms", f"{m.cumulative_s * 1e3:.1f} ms"] for m in own],
        ),
    ]
