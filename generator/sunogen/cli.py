"""The `sunogen` command: generate, check, and validate (offline, no network, no generator imports)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors exit 2, as ours do
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sunogen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        ("generate", "write suno_clients/ into --out from the specs"),
        ("check", "exit 1 and list stale files if --out is not what the specs produce; write nothing"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--specs", type=Path, default=Path("specs"), help="folder of <vendor>.yaml (default: specs)")
        cmd.add_argument("--out", type=Path, default=Path("generated"), help="output folder (default generated/)")
    val = sub.add_parser(
        "validate",
        help="validate JSON request bodies offline",
        description=(
            "Validate JSON request bodies offline. Exit 0: all valid (warnings are printed); 1: one is not "
            "(with --strict: or has a warning); 2: usage error."
        ),
    )
    val.add_argument("--vendor", required=True, help="vendor id (sunor, crun, gptge, sunoapi, relay)")
    val.add_argument("--operation", required=True, help="operation id, e.g. create_task")
    val.add_argument("--json", action="store_true", help="print the result as JSON")
    val.add_argument("--strict", action="store_true", help="exit 1 on warnings too (the document's advice)")
    val.add_argument("files", nargs="+", metavar="FILE", help="JSON file to check; - reads standard input")
    caps = sub.add_parser(
        "capabilities",
        help="print the capability matrix of the specs",
        description="Print the gateways-by-features matrix derived from the specs (Markdown, or --json).",
    )
    caps.add_argument("--specs", type=Path, default=Path("specs"), help="folder of <vendor>.yaml (default: specs)")
    caps.add_argument("--json", action="store_true", help="print the matrix's facts as JSON")
    caps.add_argument("--output", type=Path, help="write to this file instead of printing")
    from .serve.options import add_arguments

    text = "serve a gateway's API offline from its spec: tasks, media, faults, callbacks (needs sunogen[serve])"
    add_arguments(sub.add_parser("serve", help=text, description=text))
    return parser


def _generate(args: argparse.Namespace, *, write: bool) -> int:
    from . import SpecErrors, generate, read_specs

    if not args.specs.is_dir():
        print(f"sunogen: error: no specs folder {str(args.specs)!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        files = generate(read_specs(args.specs))
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"sunogen: {len(exc.errors)} error(s); nothing written", file=sys.stderr)
        return EXIT_INVALID
    from .write import stale  # imported after generate(), which starts its child process first thing
    from .write import write as write_files

    if write:
        changed = write_files(files, args.out)
        print(f"sunogen: {len(files)} files in {args.out}/, {len(changed)} changed")
        return EXIT_OK
    problems = stale(files, args.out)
    for rel in problems:
        print(f"{args.out / rel}: stale (run `make generate`)")
    return EXIT_INVALID if problems else EXIT_OK


def _read(name: str, stdin: TextIO) -> tuple[Any, str | None]:
    from suno_clients._runtime.jsontext import MalformedJSON, parse_json

    try:
        text = stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}"
    try:
        return parse_json(text), None
    except MalformedJSON as exc:
        where = "" if exc.lineno is None else f":{exc.lineno}:{exc.colno}"
        return None, f"{name}{where}: malformed JSON: {exc.msg}"


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    import suno_clients

    if args.vendor not in suno_clients.VENDORS:
        print(f"sunogen: error: unknown vendor {args.vendor!r}; try one of {', '.join(suno_clients.VENDORS)}", file=err)
        return EXIT_USAGE
    validators = suno_clients.vendor_validators(args.vendor)
    if args.operation not in validators:
        known = ", ".join(sorted(validators))
        print(
            f"sunogen: error: {args.vendor} has no operation {args.operation!r} with a body; try one of {known}",
            file=err,
        )
        return EXIT_USAGE
    payloads = []
    for name in args.files:
        payload, problem = _read(name, stdin)
        if problem is not None:
            print(f"sunogen: error: {problem}", file=err)
            return EXIT_USAGE
        payloads.append((name, payload))
    results = [(name, validators[args.operation](payload)) for name, payload in payloads]
    if args.json:
        report = [{"file": n, "valid": not _errors(v), "violations": [x.as_dict() for x in v]} for n, v in results]
        print(json.dumps(report, indent=2, ensure_ascii=False), file=out)
    else:
        for name, violations in results:
            print(f"{name}: {_summary(violations)}", file=out)
            for violation in violations:
                print(f"  {violation}", file=out)
    failed = any(_errors(v) or (args.strict and v) for _, v in results)
    return EXIT_INVALID if failed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from .serve.options import options_from

    try:
        from .serve.server import serve
    except ImportError as exc:
        print(
            f"sunogen: error: serve needs the emulator's extra: pip install 'sunogen[serve]' ({exc})", file=sys.stderr
        )
        return EXIT_USAGE
    return serve(options_from(args))


def _errors(violations: list[Any]) -> list[Any]:
    return [v for v in violations if v.severity == "error"]


def _summary(violations: list[Any]) -> str:
    """`valid`, `valid, 1 warning`, or `2 violation(s)` (errors and warnings alike are listed below it)."""
    errors = len(_errors(violations))
    warnings = len(violations) - errors
    if not errors:
        return "valid" if not warnings else f"valid, {warnings} warning(s)"
    return f"{len(violations)} violation(s)" + (f" ({warnings} warning(s))" if warnings else "")


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid or stale, 2 usage error)."""
    args = _parser().parse_args(argv)
    if args.command == "validate":
        return _validate(args, sys.stdout, sys.stderr, stdin or sys.stdin)
    if args.command == "capabilities":
        from .capabilities import main as capabilities

        return capabilities(args.specs, as_json_output=args.json, output=args.output)
    if args.command == "serve":
        return _serve(args)
    return _generate(args, write=args.command == "generate")


def run() -> NoReturn:
    """The `sunogen` console script: `main`, then, after generate and check, an exit that skips interpreter teardown.

    Tearing down every module and object the generator made (jinja2, yaml, the IR) takes longer than writing the
    files did; the output is flushed and nothing else is left to clean up (mypy's hard_exit does the same). Under
    a profiler or a tracer (cProfile, coverage), which write their results at exit, it exits as usual.
    """
    status = main()
    # coverage may measure through sys.monitoring, which neither hook shows
    watched = sys.getprofile() is not None or sys.gettrace() is not None or "coverage" in sys.modules
    if sys.argv[1:2] in (["generate"], ["check"]) and not watched:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
