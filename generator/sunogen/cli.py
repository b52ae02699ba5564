"""The `sunogen` command: generate, check, and validate (offline, no network, no generator imports)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, NoReturn, TextIO

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13
"""What a shell reports for a command ended by SIGPIPE: the reader of our output went away (`| head`)."""

Check = Callable[[object], list[Any]]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own usage errors exit 2, as ours do
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Version(argparse.Action):
    """`--version`, read from the installed distribution only when asked for (importlib.metadata is not free)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            shown = version("sunogen")
        except PackageNotFoundError:  # run from a source tree that was never installed
            shown = "unknown (not installed)"
        print(f"sunogen {shown}")
        parser.exit(EXIT_OK)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sunogen", description=__doc__)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (
        ("generate", "write suno_clients/ into --out from the specs"),
        ("check", "exit 1 and list stale files if --out is not what the specs produce; write nothing"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--specs", type=Path, default=Path("specs"), help="folder of <vendor>.yaml (default: specs)")
        cmd.add_argument("--out", type=Path, default=Path("generated"), help="output folder (default generated/)")
        cmd.add_argument(
            "--no-cache",
            action="store_true",
            help="make every file again, reading and storing no result (templates are still read compiled)",
        )
        cmd.add_argument(
            "--jobs",
            type=_positive,
            default=None,
            help="worker processes for the specs to make (default: one per core this process may use)",
        )
    val = sub.add_parser(
        "validate",
        help="validate JSON request bodies offline",
        description=(
            "Validate JSON request bodies offline. Every file is reported; the exit status is the worst of them: "
            "0 all valid (warnings are printed), 1 one is not (with --strict: or has a warning), 2 a usage error "
            "(unknown vendor or operation, an unreadable file, malformed JSON)."
        ),
    )
    val.add_argument("--vendor", required=True, help="vendor id: a spec's file name (suno_clients.VENDORS lists them)")
    val.add_argument("--operation", required=True, help="operation id, e.g. create_task")
    val.add_argument("--json", action="store_true", help="print the result as JSON (with --jsonl: one object a line)")
    val.add_argument(
        "--jsonl",
        action="store_true",
        help="each FILE holds one JSON payload per line (JSON Lines, UTF-8): read as a stream, one result a line",
    )
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


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return int(text)


# -- generate and check -------------------------------------------------------------------------------------------

_GENERATOR_MODULES = ("yaml", "jinja2", "datamodel_code_generator", "ruff")


def _missing_generator() -> str | None:
    """The first library of the `generator` extra that is not installed, if any."""
    from importlib.util import find_spec

    return next((name for name in _GENERATOR_MODULES if _find(find_spec, name) is None), None)


def _find(find_spec: Callable[[str], object], name: str) -> object:
    try:
        return find_spec(name)
    except (ImportError, ValueError):  # a module set to None in sys.modules, or one without a spec
        return None


def _generate(args: argparse.Namespace, *, write: bool) -> int:
    missing = _missing_generator()
    if missing is not None:
        print(
            f"sunogen: error: `sunogen {args.command}` needs the generator's libraries ({missing} is not installed):"
            " pip install 'sunogen[generator]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from . import SpecErrors, generate, read_specs
    from .cache import Cache, default_folder, fingerprint
    from .workers import usable_cores

    if not args.specs.is_dir():
        print(f"sunogen: error: no specs folder {str(args.specs)!r}", file=sys.stderr)
        return EXIT_USAGE
    if args.out.exists() and not args.out.is_dir():
        print(f"sunogen: error: --out {str(args.out)!r} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    try:
        # the generator's fingerprint is taken once, here: every worker keys its entries by the generator this
        # run started with, not by whatever the files hold when it starts
        # --no-cache reads and stores no result; the templates are still read compiled (cache.py says why), and
        # without results to key the generator's fingerprint is not taken
        cache = Cache(default_folder(), results=False) if args.no_cache else Cache(default_folder(), fingerprint())
        files = generate(read_specs(args.specs), cache=cache, jobs=args.jobs or usable_cores())
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"sunogen: {len(exc.errors)} error(s); nothing written", file=sys.stderr)
        return EXIT_INVALID
    from .write import stale
    from .write import write as write_files

    if write:
        changed = write_files(files, args.out)
        print(f"sunogen: {len(files)} files in {args.out}/, {len(changed)} changed")
        return EXIT_OK
    problems = stale(files, args.out)
    for rel in problems:
        folder = "/" if rel.endswith("/") else ""  # a folder that should not be there
        print(f"{args.out / rel}{folder}: stale (run `make generate`)")
    if problems:
        print(f"sunogen: {len(problems)} of {len(files)} files in {args.out}/ stale")
        return EXIT_INVALID
    print(f"sunogen: {len(files)} files in {args.out}/ up to date")
    return EXIT_OK


# -- validate -----------------------------------------------------------------------------------------------------


def _shown(name: str) -> str:
    # a file name the file system gave as bytes that are not UTF-8 prints escaped rather than failing to print
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _binary(stdin: IO[Any]) -> IO[bytes]:
    """Standard input as bytes: JSON's encoding is read from the bytes (BOM, UTF-16/32), not from the locale."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is not None:
        return buffer  # type: ignore[no-any-return]
    import io

    return io.BytesIO(stdin.read().encode())  # a text stream given to main() (tests)


def _read(name: str, stdin: IO[Any]) -> tuple[Any, str | None]:
    """A file's payload, or what is wrong with it: what `validate_json` would say of the same bytes."""
    from suno_clients._runtime.jsontext import MalformedJSON, parse_json

    try:
        data = _binary(stdin).read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        return None, f"cannot read {_shown(name)}: {exc.strerror or exc}"
    try:
        return parse_json(data), None
    except MalformedJSON as exc:
        where = "" if exc.lineno is None else f":{exc.lineno}:{exc.colno}"
        return None, f"{_shown(name)}{where}: malformed JSON: {exc.msg}"


def _status(violations: list[Any], strict: bool) -> int:
    return EXIT_INVALID if (strict and violations) or _errors(violations) else EXIT_OK


def _validate_files(args: argparse.Namespace, check: Check, out: TextIO, err: TextIO, stdin: IO[Any]) -> int:
    """Each file in turn, each reported (a file that cannot be read or parsed too); the worst status."""
    worst = EXIT_OK
    report: list[dict[str, Any]] = []
    for name in args.files:
        payload, problem = _read(name, stdin)
        if problem is not None:
            print(f"sunogen: error: {problem}", file=err)
            report.append({"file": _shown(name), "valid": False, "error": problem})
            worst = max(worst, EXIT_USAGE)
            continue
        violations = check(payload)
        worst = max(worst, _status(violations, args.strict))
        if args.json:
            entry = {"file": _shown(name), "valid": not _errors(violations)}
            report.append(entry | {"violations": [v.as_dict() for v in violations]})
        else:
            print(f"{_shown(name)}: {_summary(violations)}", file=out)
            for violation in violations:
                print(f"  {violation}", file=out)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False), file=out)
    return worst


def _open_lines(name: str, stdin: IO[Any]) -> IO[bytes]:
    """The lines of a file, or of standard input for `-`, as bytes (closing standard input's is harmless)."""
    return _binary(stdin) if name == "-" else open(name, "rb")


def _line_result(shown: str, lineno: int, violations: list[Any], *, as_json: bool) -> str:
    """One line's result when it has violations."""
    if not as_json:
        return f"{shown}:{lineno}: {_summary(violations)}: {'; '.join(map(str, violations))}\n"
    entry = {"file": shown, "line": lineno, "valid": not _errors(violations)}
    entry["violations"] = [v.as_dict() for v in violations]
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"


def _line_error(shown: str, lineno: int, problem: str, *, as_json: bool) -> str:
    if not as_json:
        return f"{shown}:{lineno}: {problem}\n"
    return (
        json.dumps(
            {"file": shown, "line": lineno, "valid": False, "error": problem}, ensure_ascii=False, separators=(",", ":")
        )
        + "\n"
    )


def _valid_line(shown: str, *, as_json: bool) -> tuple[str, str]:
    """The result of a valid line of file `shown` is this text before and after the line's number.

    Built once per file: wording it per line (json.dumps of an entry) was half the time of a --jsonl run whose
    lines are valid (bench/RESULTS.md, "what each kept optimisation buys").
    """
    if as_json:
        return f'{{"file":{json.dumps(shown, ensure_ascii=False)},"line":', ',"valid":true,"violations":[]}\n'
    return f"{shown}:", ": valid\n"


def _validate_lines(args: argparse.Namespace, check: Check, out: TextIO, err: TextIO, stdin: IO[Any]) -> int:
    """JSON Lines: one result a line, as a stream, in constant memory; the worst status of all lines."""
    from suno_clients._runtime.jsontext import MalformedJSON, parse_json

    worst = EXIT_OK
    for name in args.files:
        shown = _shown(name)
        before, after = _valid_line(shown, as_json=args.json)
        lineno = 0
        try:
            with _open_lines(name, stdin) as lines:
                for lineno, line in enumerate(lines, 1):
                    line = line.rstrip(b"\r\n")  # so an error's column is the line's own
                    if not line.strip():
                        continue  # JSON Lines readers may skip blank lines
                    try:
                        violations = check(parse_json(line))
                    except MalformedJSON as exc:
                        worst = EXIT_USAGE
                        where = "" if exc.colno is None else f" at column {exc.colno}"
                        out.write(_line_error(shown, lineno, f"malformed JSON: {exc.msg}{where}", as_json=args.json))
                        continue
                    if not violations:
                        out.write(f"{before}{lineno}{after}")
                        continue
                    worst = max(worst, _status(violations, args.strict))
                    out.write(_line_result(shown, lineno, violations, as_json=args.json))
        except BrokenPipeError:  # our reader left, not the file: main() ends quietly
            raise
        except OSError as exc:
            where = f"{shown}:{lineno}" if lineno else shown
            print(f"sunogen: error: cannot read {where}: {exc.strerror or exc}", file=err)
            worst = EXIT_USAGE
    return worst


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: IO[Any]) -> int:
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
    validate = _validate_lines if args.jsonl else _validate_files
    return validate(args, validators[args.operation], out, err, stdin)


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


def main(argv: Sequence[str] | None = None, *, stdin: IO[Any] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 invalid or stale, 2 usage error, 141 closed pipe)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            status = _validate(args, sys.stdout, sys.stderr, stdin or sys.stdin)
            sys.stdout.flush()  # a closed pipe shows here, not at exit
            return status
        if args.command == "capabilities":
            from .capabilities import main as capabilities

            return capabilities(args.specs, as_json_output=args.json, output=args.output)
        if args.command == "serve":
            return _serve(args)
        return _generate(args, write=args.command == "generate")
    except BrokenPipeError:
        return EXIT_BROKEN_PIPE


def end_without_teardown(status: int) -> None:
    """End this process now with `status`, its output flushed, without tearing down what it imported.

    Returns, and lets the process end as usual, under a profiler or a tracer (cProfile, coverage): they write their
    results at exit.
    """
    # coverage may measure through sys.monitoring, which neither hook shows
    if sys.getprofile() is not None or sys.gettrace() is not None or "coverage" in sys.modules:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run() -> NoReturn:
    """The `sunogen` console script: `main`, then, after generate and check, an exit that skips interpreter teardown.

    Tearing down every module and object the generator made (jinja2, yaml, the IR) takes longer than writing the
    files did; the output is flushed and nothing else is left to clean up (mypy's hard_exit does the same). Under
    a profiler or a tracer (cProfile, coverage), which write their results at exit, it exits as usual.
    """
    status = main()
    if status == EXIT_BROKEN_PIPE:
        # What is left in stdout's buffer can never be written: point the descriptor at /dev/null so the flush
        # at exit succeeds quietly (Python's documented recipe) rather than printing an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if sys.argv[1:2] in (["generate"], ["check"]):
        end_without_teardown(status)
    sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
