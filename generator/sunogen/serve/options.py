"""The emulator's options: the `sunogen serve` arguments and the frozen Options the server is built from.

Kept free of starlette and uvicorn so that the command line can describe `serve` without importing them.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

FAULTS = ("fail-task", "429", "500", "503", "slow", "malformed", "drop")
"""The faults a request (X-Sunogen-Fault) or the whole server (--fault) can ask for."""

FAULT_HEADER = "X-Sunogen-Fault"

FAULT_HELP = (
    "fail-task (the task fails), 429 (rate limited, with Retry-After; 429=N for N seconds), 500, 503, "
    "slow (answer after 30 s; slow=S for S seconds), malformed (truncated JSON; malformed=html for an HTML page), "
    "drop (close the connection mid-answer)"
)


@dataclass(frozen=True, slots=True)
class Options:
    """How one emulator runs: what it serves, where, and how its tasks and faults behave (secrets kept out of
    its repr)."""

    vendor: str
    specs: Path = Path("specs")
    host: str = "127.0.0.1"
    port: int = 8000
    task_seconds: float = 10.0
    api_key: str | None = field(default=None, repr=False)  # None: any non-empty key is accepted
    db: Path | None = None
    fault: str | None = None  # applied to every API request that names no fault of its own
    webhook_secret: str | None = field(default=None, repr=False)  # signs callbacks of requests that carry none
    remote_callbacks: bool = False  # deliver callbacks to hosts other than loopback
    quiet: bool = False


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `sunogen serve` arguments."""
    parser.add_argument("--vendor", required=True, help="vendor id: the spec specs/<vendor>.yaml to serve")
    parser.add_argument("--specs", type=Path, default=Path("specs"), help="folder of <vendor>.yaml (default: specs)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: 8000)")
    parser.add_argument(
        "--task-seconds", type=float, default=10.0, help="how long a task takes from creation to its end (default: 10)"
    )
    parser.add_argument("--api-key", help="the one API key accepted (default: any non-empty key)")
    parser.add_argument("--db", type=Path, help="keep tasks in this SQLite file, so they survive a restart")
    parser.add_argument("--fault", help=f"a fault for every request that names none: {FAULT_HELP}")
    parser.add_argument(
        "--webhook-secret", help="sign callbacks with this secret when the request carries none (signing gateways)"
    )
    parser.add_argument(
        "--remote-callbacks", action="store_true", help="deliver callbacks to any host, not only to loopback ones"
    )
    parser.add_argument("--quiet", action="store_true", help="print no line per request")


def options_from(args: argparse.Namespace) -> Options:
    """The Options of parsed `sunogen serve` arguments."""
    return Options(
        vendor=args.vendor,
        specs=args.specs,
        host=args.host,
        port=args.port,
        task_seconds=args.task_seconds,
        api_key=args.api_key,
        db=args.db,
        fault=args.fault,
        webhook_secret=args.webhook_secret,
        remote_callbacks=args.remote_callbacks,
        quiet=args.quiet,
    )
